"""``python -m validator``: the same command line as ``avatar-preflight``."""

from cli import main

main()
