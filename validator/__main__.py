"""``python -m validator``: the same command line as ``avatar-preflight``."""

from cli_check import main

main()
