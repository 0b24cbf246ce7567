"""Verification of OSS request signatures: V1 (``OSS AK:sig``) and V4 (``OSS4-HMAC-SHA256``).

Both rebuild what the client signed from the request as it arrived, given the bucket and the
(decoded) key the request addresses, and compare in constant time. V4 accepts any signing region
(the sandbox has none of its own) but requires the scope's date to match ``x-oss-date``. A payload
hash other than ``UNSIGNED-PAYLOAD`` is signed but not checked against the body. Presigned URLs
(signatures in the query string) are not supported.

Errors are OSS's: ``AccessDenied``, ``InvalidAccessKeyId``, ``RequestTimeTooSkewed``,
``SignatureDoesNotMatch`` (all 403), ``InvalidArgument`` (400) for an unreadable header.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from validator.sandbox.credentials import Credential, KeyRing
from validator.sandbox.errors import OssError
from validator.sandbox.wire import Request

V4_ALGORITHM = "OSS4-HMAC-SHA256"
V4_DEFAULT_SIGNED = frozenset({"content-type", "content-md5"})

# Query parameters that are part of the V1 canonical resource (OSS's documented sub-resources;
# the ones the supported operations use, and the common ones around them).
V1_SUBRESOURCES = frozenset(
    {
        "acl",
        "append",
        "bucketInfo",
        "cname",
        "comp",
        "cors",
        "delete",
        "encryption",
        "lifecycle",
        "location",
        "logging",
        "objectMeta",
        "partNumber",
        "policy",
        "position",
        "qos",
        "referer",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "security-token",
        "sequential",
        "stat",
        "symlink",
        "tagging",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
        "x-oss-process",
        "x-oss-traffic-limit",
        "x-oss-request-payer",
    }
)

_V1 = re.compile(r"^OSS (?P<ak>[^:\s]+):(?P<sig>\S+)$")
_V4 = re.compile(
    r"^OSS4-HMAC-SHA256\s+Credential=(?P<ak>[^/\s]+)/(?P<date>\d{8})/(?P<region>[^/\s]+)/"
    r"(?P<product>[^/\s]+)/aliyun_v4_request\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)"
    r"(?:\s*,\s*AdditionalHeaders=(?P<extra>[^,\s]*))?\s*$"
)


def verify(
    request: Request, bucket: str | None, key: str, keys: KeyRing, now: float, max_skew: float
) -> Credential:
    """Check the request's ``Authorization``; return the credential, or raise :class:`OssError`."""
    authorization = request.header("Authorization")
    if not authorization:
        raise OssError(403, "AccessDenied", "You have no right to access this object because of bucket acl.")
    if authorization.startswith("OSS4-"):
        return _verify_v4(request, authorization, bucket, key, keys, now, max_skew)
    if authorization.startswith("OSS "):
        return _verify_v1(request, authorization, bucket, key, keys, now, max_skew)
    raise OssError(
        400,
        "InvalidArgument",
        "Authorization header is invalid.",
        details={"ArgumentName": "Authorization", "ArgumentValue": authorization[:64]},
    )


# -- V1 ------------------------------------------------------------------------------------------


def v1_string_to_sign(request: Request, bucket: str | None, key: str) -> str:
    """``METHOD\\nContent-MD5\\nContent-Type\\nDate\\nx-oss-headers + resource``."""
    oss_headers = sorted(
        (name.lower(), str(value))
        for name, value in request.headers.items()
        if name.lower().startswith("x-oss-")
    )
    headers = "".join(f"{name}:{value}\n" for name, value in oss_headers)
    resource = f"/{bucket}/{key}" if bucket else "/"
    sub = sorted(
        (name, value)
        for name, value in parse_qsl(request.query, keep_blank_values=True)
        if name in V1_SUBRESOURCES
    )
    if sub:
        resource += "?" + "&".join(f"{n}={v}" if v else n for n, v in sub)
    date = request.header("x-oss-date") or request.header("Date")
    return "\n".join(
        [
            request.method,
            request.header("Content-MD5"),
            request.header("Content-Type"),
            date,
            headers + resource,
        ]
    )


def _verify_v1(
    request: Request,
    authorization: str,
    bucket: str | None,
    key: str,
    keys: KeyRing,
    now: float,
    max_skew: float,
) -> Credential:
    match = _V1.match(authorization)
    if match is None:
        raise OssError(
            400,
            "InvalidArgument",
            "Authorization header is invalid.",
            details={"ArgumentName": "Authorization"},
        )
    date = request.header("x-oss-date") or request.header("Date")
    try:
        stamp = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError) as exc:
        raise OssError(403, "AccessDenied", "OSS authentication requires a valid Date.") from exc
    _check_skew(stamp, now, max_skew, date)
    credential = _lookup(keys, match["ak"])
    _check_token(request, credential, now)
    to_sign = v1_string_to_sign(request, bucket, key)
    digest = hmac.new(
        credential.access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1
    ).digest()
    if not hmac.compare_digest(base64.b64encode(digest).decode("ascii"), match["sig"]):
        raise _mismatch(credential, to_sign)
    return credential


# -- V4 ------------------------------------------------------------------------------------------


def v4_encode(text: str, keep_slash: bool) -> str:
    """OSS V4 URI encoding: only ``A-Z a-z 0-9 - _ . ~`` (and ``/`` when asked) stay as they are."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in "-_.~" or (keep_slash and char == "/")):
            out.append(char)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def v4_canonical_request(request: Request, bucket: str | None, key: str, additional: list[str]) -> str:
    """The V4 canonical request for what arrived."""
    uri = v4_encode(f"/{bucket}/{key}" if bucket else "/", keep_slash=True)
    params = sorted(
        (v4_encode(n, False), v4_encode(v, False))
        for n, v in parse_qsl(request.query, keep_blank_values=True)
    )
    query = "&".join(f"{n}={v}" if v else n for n, v in params)
    extra = set(additional)
    signed = sorted(
        (name.lower(), str(value))
        for name, value in request.headers.items()
        if name.lower().startswith("x-oss-") or name.lower() in V4_DEFAULT_SIGNED or name.lower() in extra
    )
    headers = "".join(f"{name}:{value}\n" for name, value in signed)
    payload = request.header("x-oss-content-sha256") or "UNSIGNED-PAYLOAD"
    return "\n".join([request.method, uri, query, headers, ";".join(sorted(extra)), payload])


def _verify_v4(
    request: Request,
    authorization: str,
    bucket: str | None,
    key: str,
    keys: KeyRing,
    now: float,
    max_skew: float,
) -> Credential:
    match = _V4.match(authorization)
    if match is None:
        raise OssError(
            400,
            "InvalidArgument",
            "Authorization header is invalid.",
            details={"ArgumentName": "Authorization"},
        )
    stamp_text = request.header("x-oss-date")
    try:
        stamp = float(calendar.timegm(time.strptime(stamp_text, "%Y%m%dT%H%M%SZ")))
    except ValueError as exc:
        raise OssError(403, "AccessDenied", "V4 signatures require a valid x-oss-date header.") from exc
    _check_skew(stamp, now, max_skew, stamp_text)
    if match["date"] != stamp_text[:8] or match["product"] != "oss":
        raise OssError(
            400,
            "InvalidArgument",
            "Invalid signing date or product in Authorization header.",
            details={"ArgumentName": "Authorization"},
        )
    credential = _lookup(keys, match["ak"])
    _check_token(request, credential, now)
    additional = [h.lower() for h in (match["extra"] or "").split(";") if h]
    canonical = v4_canonical_request(request, bucket, key, additional)
    scope = f"{match['date']}/{match['region']}/{match['product']}/aliyun_v4_request"
    to_sign = "\n".join(
        [V4_ALGORITHM, stamp_text, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    signing_key = ("aliyun_v4" + credential.access_key_secret).encode("utf-8")
    for part in (match["date"], match["region"], match["product"], "aliyun_v4_request"):
        signing_key = hmac.new(signing_key, part.encode("utf-8"), hashlib.sha256).digest()
    good = hmac.new(signing_key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, match["sig"].lower()):
        raise _mismatch(credential, to_sign, canonical)
    return credential


# -- shared --------------------------------------------------------------------------------------


def _lookup(keys: KeyRing, access_key_id: str) -> Credential:
    credential = keys.lookup(access_key_id)
    if credential is None:
        raise OssError(
            403,
            "InvalidAccessKeyId",
            "The OSS Access Key Id you provided does not exist in our records.",
            details={"OSSAccessKeyId": access_key_id},
        )
    return credential


def _check_skew(stamp: float, now: float, max_skew: float, sent: str) -> None:
    if abs(now - stamp) > max_skew:
        raise OssError(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            details={"RequestTime": sent, "MaxAllowedSkewMilliseconds": str(int(max_skew * 1000))},
        )


def _check_token(request: Request, credential: Credential, now: float) -> None:
    if credential.security_token is None:
        return
    token = request.header("x-oss-security-token")
    if not token or not hmac.compare_digest(token, credential.security_token):
        raise OssError(403, "InvalidSecurityToken", "The security token you provided is invalid.")
    if credential.expires_at is not None and now >= credential.expires_at:
        raise OssError(403, "SecurityTokenExpired", "The security token you provided has expired.")


def _mismatch(credential: Credential, to_sign: str, canonical: str | None = None) -> OssError:
    details = {"OSSAccessKeyId": credential.access_key_id, "StringToSign": to_sign}
    if canonical is not None:
        details["CanonicalRequest"] = canonical
    return OssError(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you "
        "provided. Check your key and signing method.",
        details=details,
    )
