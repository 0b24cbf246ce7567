"""The requests ``update`` will send, known before anything is sent: a dry run prints them, an
interactive run shows them before asking, and :func:`client_token` makes registration idempotent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from validator.cloud.events import Request
from validator.cloud.params import MediaRef, RefKind, UpdateParams
from validator.cloud.storage import content_digest, object_key

if TYPE_CHECKING:
    from validator.cloud.options import FlowOptions

PENDING_VIDEO = "<MediaId from RegisterMediaInfo (video)>"
PENDING_PORTRAIT = "<MediaId from RegisterMediaInfo (portrait)>"
PENDING_JOB = "<JobId from CreateAvatarTrainingJob>"


def media_type(role: str) -> str:
    """RegisterMediaInfo's MediaType for a Video or Portrait."""
    return "video" if role == "video" else "image"


def title(ref: MediaRef) -> str:
    """A readable Title for the asset: the file's name."""
    return PurePosixPath(ref.key or ref.value.replace("\\", "/")).name[:128] or "avatar"


def client_token(digest_or_etag: str, input_url: str) -> str:
    """RegisterMediaInfo's idempotency token: the same content at the same place, the same token."""
    return hashlib.sha256(f"{digest_or_etag}\n{input_url}".encode()).hexdigest()[:32]


def planned_requests(
    params: UpdateParams,
    video: MediaRef | None,
    portrait: MediaRef | None,
    fields: Mapping[str, object],
    options: FlowOptions,
) -> list[Request]:
    """Every request, in order, with placeholders for IDs the service has not given yet."""
    out: list[Request] = []
    for role, ref in (("portrait", portrait), ("video", video)):
        if ref is not None and ref.kind is not RefKind.MEDIA_ID:
            out.extend(_media_requests(role, ref, options))
    job_id = PENDING_JOB if params.creates_job else params.job_id
    if params.creates_job:
        created = compact({"AvatarName": params.name, "AvatarDescription": params.description})
        out.append(Request("ICE", "CreateAvatarTrainingJob", created))
    if fields:
        out.append(Request("ICE", "UpdateAvatarTrainingJob", {"JobId": job_id, **fields}))
    if params.submit:
        out.append(Request("ICE", "SubmitAvatarTrainingJob", {"JobId": job_id}))
    return out


def _media_requests(role: str, ref: MediaRef, options: FlowOptions) -> list[Request]:
    """A local file's upload and registration, or an OSS object's registration."""
    out: list[Request] = []
    if ref.kind is RefKind.FILE:
        path = Path(ref.value)
        digest = content_digest(path)
        key = object_key(options.prefix, digest, path)
        size = path.stat().st_size
        multipart = size >= options.tuning.multipart_threshold
        upload = {
            "Bucket": options.bucket,
            "Key": key,
            "Size": size,
            "PartSize": options.tuning.part_size if multipart else None,
            "Threads": options.tuning.num_threads if multipart else None,
        }
        out.append(Request("OSS", "MultipartUpload" if multipart else "PutObject", compact(upload)))
        input_url = f"oss://{options.bucket}/{key}"
        token = client_token(digest, input_url)
    else:
        input_url, token = ref.value, "<derived from the object's ETag>"
    registered = {
        "InputURL": input_url,
        "MediaType": media_type(role),
        "Title": title(ref),
        "ClientToken": token,
    }
    out.append(Request("ICE", "RegisterMediaInfo", registered))
    return out


def compact(values: Mapping[str, object]) -> dict[str, object]:
    """``values`` without the ``None`` ones (parameters left out)."""
    return {k: v for k, v in values.items() if v is not None}
