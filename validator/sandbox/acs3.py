"""Verification of ACS3-HMAC-SHA256 signatures, as the Alibaba Cloud API gateway checks them.

The SDK signs ``METHOD\\nPATH\\nCanonicalQuery\\nCanonicalHeaders\\nSignedHeaders\\nsha256(body)``
and sends the parameters form-encoded in the query string. We rebuild the canonical request from
what arrived (decoding the form encoding, then re-encoding with only ``~`` safe), so any change in
transit, and any wrong secret, shows up as ``SignatureDoesNotMatch``.

Error codes and statuses follow the gateway: ``IncompleteSignature`` (400),
``InvalidAccessKeyId.NotFound`` (404), ``InvalidTimeStamp.Expired`` (400), ``SignatureNonceUsed``
(400), ``SignatureDoesNotMatch`` (400), ``InvalidSecurityToken.*`` (400).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from urllib.parse import parse_qsl, quote

from validator.sandbox.credentials import Credential, KeyRing, NonceCache
from validator.sandbox.errors import ApiError
from validator.sandbox.wire import Request

ALGORITHM = "ACS3-HMAC-SHA256"

_AUTH = re.compile(
    r"^(?P<alg>ACS3-[A-Z0-9-]+)\s+Credential=(?P<ak>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]*)\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


def canonical_query(raw_query: str) -> str:
    """Sorted ``key=value`` pairs, values percent-encoded with only ``~`` safe."""
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{key}={quote(value, safe='~')}" for key, value in pairs)


def canonical_headers(request: Request, signed: list[str]) -> str:
    """``name:value\\n`` for each signed header, repeated values sorted and comma-joined."""
    lines = []
    for name in signed:
        values = sorted(str(v).strip() for v in request.headers.get_all(name) or [])
        lines.append(f"{name}:{','.join(values)}\n")
    return "".join(lines)


def string_to_sign(request: Request, signed: list[str], payload_hash: str) -> str:
    """What the client must have signed."""
    canonical = "\n".join(
        [
            request.method,
            request.path or "/",
            canonical_query(request.query),
            canonical_headers(request, signed),
            ";".join(signed),
            payload_hash,
        ]
    )
    return f"{ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def verify(
    request: Request,
    body: bytes,
    keys: KeyRing,
    nonces: NonceCache,
    now: float,
    max_skew: float,
) -> Credential:
    """Check one request's signature; return the credential it was signed with, or raise."""
    match = _AUTH.match(request.header("Authorization"))
    if match is None:
        raise ApiError(
            400,
            "IncompleteSignature",
            "The request signature does not conform to "
            "Aliyun standards: expected an ACS3-HMAC-SHA256 Authorization header.",
        )
    if match["alg"] != ALGORITHM:
        raise ApiError(
            400, "InvalidSignatureMethod", f"Specified signature method {match['alg']} is not supported."
        )
    signed = match["signed"].split(";") if match["signed"] else []
    _require_signed(request, signed)

    stamp = _parse_timestamp(request.header("x-acs-date"))
    if abs(now - stamp) > max_skew:
        raise ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")

    credential = keys.lookup(match["ak"])
    if credential is None:
        raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    _check_token(request, credential, now)

    payload_hash = hashlib.sha256(body).hexdigest()
    declared = request.header("x-acs-content-sha256")
    expected = string_to_sign(request, signed, declared)
    good = hmac.new(
        credential.access_key_secret.encode("utf-8"), expected.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(good, match["sig"].lower()) or declared != payload_hash:
        raise ApiError(
            400,
            "SignatureDoesNotMatch",
            f"Specified signature does not match our calculation. server string to sign is:{expected}",
        )

    nonce = request.header("x-acs-signature-nonce")
    if not nonce:
        raise ApiError(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
    if not nonces.use(nonce, now):
        raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    return credential


def _require_signed(request: Request, signed: list[str]) -> None:
    names = {name.lower() for name in request.headers}
    required = {"host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"}
    required |= {name for name in names if name.startswith("x-acs-")}
    unsigned = sorted(required - set(signed))
    if unsigned:
        raise ApiError(
            400,
            "IncompleteSignature",
            "The request signature does not conform to "
            f"Aliyun standards: header(s) {', '.join(unsigned)} must be signed.",
        )


def _parse_timestamp(value: str) -> float:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError as exc:
        raise ApiError(
            400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
        ) from exc


def _check_token(request: Request, credential: Credential, now: float) -> None:
    if credential.security_token is None:
        return
    token = request.header("x-acs-security-token")
    if not token:
        raise ApiError(400, "MissingSecurityToken", "SecurityToken is mandatory for this action.")
    if not hmac.compare_digest(token, credential.security_token):
        raise ApiError(
            400, "InvalidSecurityToken.Mismatch", "Specified SecurityToken mismatch with the AccessKey."
        )
    if credential.expires_at is not None and now >= credential.expires_at:
        raise ApiError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
