"""The parts of the ``avatar-preflight`` command line; ``cli.py`` beside it is the entry point.

``args`` (the table of ``check``'s options) and ``fast`` (the Typer-free parser) import no CLI
framework, so a plain ``check`` never loads Typer; ``app`` builds the Typer app from ``commands``.
"""
