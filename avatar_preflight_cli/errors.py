"""The command line's own endings, beside the library's errors; ``cli.py`` maps each to its exit code."""

from __future__ import annotations

from validator.errors import PreflightError


class Failed(PreflightError):
    """The command ran, and what it was given fails: an unfixable take, an unreadable video (exit 1)."""


class CannotRun(PreflightError):
    """This machine refuses what the command needs: a file it must write, a port it must bind (exit 3)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived (exit 143): unwound like Ctrl-C, so every ``finally`` runs and an upload's
    checkpoint stays. The message, when there is one, says what the cut-short step left."""
