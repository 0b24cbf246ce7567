"""The library's one exception hierarchy.

A file that cannot be read is *not* an exception at the API surface: it becomes a finding. These are
raised for problems with the tool's inputs (usage, configuration) or its environment, and for the
probe's internal signalling between a failed open and the finding that reports it.
"""

from __future__ import annotations


class PreflightError(Exception):
    """Root of every error the library raises on purpose."""


class UsageError(PreflightError):
    """The caller asked for something that cannot be done (bad path, bad option value)."""


class ProfileError(PreflightError):
    """A profile file is missing, unreadable or invalid."""


class ToolMissingError(PreflightError):
    """An external program a command needs (the ``ffmpeg`` executable) cannot be found or run."""


class ProbeError(PreflightError):
    """A file could not be probed. Carries a short reason people can read."""

    def __init__(
        self, reason: str, *, truncated: bool = False, limit: bool = False, fix: str | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.truncated = truncated
        self.limit = limit
        """The probe stopped at its time or size limit: the file may be fine, or hostile."""
        self.fix = fix
        """What to do about this file, when the reason calls for more than the rule's usual fix."""


class DecodeError(PreflightError):
    """A stream the content analysis needs cannot be decoded. Carries a short reason people can read;
    the caller turns it into a finding (the check could not run), never a traceback."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
