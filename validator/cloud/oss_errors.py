"""oss2's exceptions at the boundary: which a retry can cure, and each as one :class:`CloudError`.

oss2 raises one family, :class:`oss2.exceptions.OssError`, for the service's answers (status >= 300)
and for its own failures (status -2: no answer; -3: a CRC-64 mismatch). Only that family is caught
and translated; anything else is a bug and keeps its type. The oss2 exception is scrubbed of what
OSS echoes back about the signature, since it stays chained as the cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.cloud.errors import CloudError
from validator.cloud.retry import Verdict
from validator.cloud.transport import TransportFailure, transport_failure

if TYPE_CHECKING:
    from oss2.exceptions import OssError

TIMEOUT_ATTEMPTS = 2
"""Tries in all when OSS does not answer in time (the ICE client's rule too)."""


def judge(exc: Exception) -> Verdict:
    """Retry a broken connection, 5xx and SlowDown; a client error is final."""
    if not isinstance(exc, CloudError):
        return Verdict(False)
    if exc.code == "NetworkError":
        return Verdict(True, attempts=TIMEOUT_ATTEMPTS if exc.unreachable else None)
    return Verdict((exc.status or 0) >= 500)


_SIGNING_DETAILS = (
    "OSSAccessKeyId",
    "StringToSign",
    "StringToSignBytes",
    "CanonicalRequest",
    "SignatureProvided",
)


def scrub(exc: OssError) -> None:
    """Remove from an oss2 exception what OSS echoes back about the signature (the AccessKey ID, the
    string to sign): it is chained to our error and would show in any traceback or log of it."""
    if (getattr(exc, "status", 0) or 0) < 0:
        return  # oss2's own errors (no answer, CRC): no server document, the text is the cause's
    details = getattr(exc, "details", None)
    if isinstance(details, dict):
        for name in _SIGNING_DETAILS:
            details.pop(name, None)
    if getattr(exc, "body", None):
        exc.body = b""


def translate(exc: OssError, action: str) -> CloudError:
    """oss2's exception as a :class:`CloudError` (status -2 is oss2's "no answer"); the oss2 exception
    is scrubbed of signing details, since it stays chained as the cause."""
    scrub(exc)
    status = getattr(exc, "status", None)
    if status == -2:  # RequestError: the request got no answer (reset, timeout, refused)
        failure = transport_failure(exc) or TransportFailure(str(exc).strip()[:300], unreachable=False)
        return CloudError(
            "NetworkError",
            failure.message,
            status=None,
            service="OSS",
            action=action,
            unreachable=failure.unreachable,
        )
    if status == -3:  # InconsistentError: the CRC-64 of what arrived differs from the local file
        return CloudError(
            "CrcMismatch",
            "the object's CRC-64 differs from the local file's",
            request_id=getattr(exc, "request_id", None),
            service="OSS",
            action=action,
        )
    code = str(getattr(exc, "code", "") or type(exc).__name__)
    message = str(getattr(exc, "message", "") or "").strip().splitlines()
    return CloudError(
        code,
        message[0][:300] if message else code,
        request_id=getattr(exc, "request_id", None),
        status=status,
        service="OSS",
        action=action,
    )
