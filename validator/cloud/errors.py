"""The cloud commands' errors, rooted in :class:`validator.errors.PreflightError`.

SDK, oss2 and socket exceptions are translated into these at the boundary (``raise ... from exc``),
so the command line maps each class to one exit code and never shows a traceback. No message built
here contains a secret: credential values are never formatted into text.
"""

from __future__ import annotations

from validator.errors import PreflightError


class ConfigError(PreflightError):
    """A configuration file or setting is unreadable or invalid (exit 3)."""


class CredentialsError(PreflightError):
    """No usable Alibaba Cloud credential was found (exit 3)."""


class CloudError(PreflightError):
    """The cloud refused or failed a request, after any retries (exit 4).

    Carries what the service said, so a person can quote it to support: code, message, request ID.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        request_id: str | None = None,
        status: int | None = None,
        service: str = "ICE",
        action: str | None = None,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status
        self.service = service
        self.action = action
        self.retry_after = retry_after
        """Seconds the service asked to wait before a retry (``x-acs-retry-after``), when it said."""
        self.unreachable = unreachable
        """No answer at all (a ``NetworkError``): timed out, refused, or the host does not resolve.
        Retried once only: a server in that state rarely recovers within seconds."""
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: ``ICE UpdateAvatarTrainingJob refused: Code: message (HTTP 400, request ID x)``."""
        where = f"{self.service} {self.action}" if self.action else self.service
        extra = []
        if self.status is not None and self.status > 0:
            extra.append(f"HTTP {self.status}")
        if self.request_id:
            extra.append(f"request ID {self.request_id}")
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{where} failed: {self.code}: {self.message}{tail}"


class RemoteReadError(PreflightError):
    """A remote file could not be read with Range requests (exit 4)."""
