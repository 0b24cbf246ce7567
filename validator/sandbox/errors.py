"""Errors the sandbox raises, and the two wire errors its handlers answer with.

:class:`SandboxError` joins the library's hierarchy for problems starting or configuring the
sandbox. :class:`ApiError` (ICE, JSON body) and :class:`OssError` (OSS, XML body) are raised by
request handlers and turned into error responses by the server; they never reach a caller of the
library.
"""

from __future__ import annotations

from validator.errors import PreflightError


class SandboxError(PreflightError):
    """The sandbox cannot start or was configured wrongly."""


class ApiError(Exception):
    """An ICE RPC error: answered as ``{RequestId, HostId, Code, Message, Recommend}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class OssError(Exception):
    """An OSS error: answered as ``<Error><Code/><Message/><RequestId/><HostId/>...</Error>``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        """Extra elements of the error body (``StringToSign``, ``OSSAccessKeyId``...)."""


def missing(name: str) -> ApiError:
    """The gateway's answer to a missing required parameter."""
    return ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def invalid(name: str, message: str) -> ApiError:
    """A parameter that breaks a documented rule (``InvalidParameter.<Name>``, code inferred)."""
    return ApiError(400, f"InvalidParameter.{name}", message)
