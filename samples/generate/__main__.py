"""``python -m samples.generate``: see :mod:`samples.generate.cli`."""

import sys

from samples.generate.cli import main

sys.exit(main())
