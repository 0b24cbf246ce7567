"""What the sandbox's object store keeps: objects, multipart uploads, parts, and bodies on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ObjectMeta:
    """One stored object."""

    bucket: str
    key: str
    path: Path
    """The file holding the body."""
    size: int
    etag: str
    """Upper-case hex, without quotes (``-N`` suffixed for multipart objects)."""
    crc64: int
    content_type: str
    object_type: str
    """``Normal`` or ``Multipart``."""
    last_modified: float


@dataclass(frozen=True, slots=True)
class UploadMeta:
    """One multipart upload in progress."""

    upload_id: str
    bucket: str
    key: str
    content_type: str
    initiated: float


@dataclass(frozen=True, slots=True)
class PartMeta:
    """One uploaded part."""

    part_number: int
    size: int
    etag: str
    crc64: int
    last_modified: float
    path: Path
    md5: bytes
    offset: int = 0
    """Where the part starts in :attr:`path` (non-zero in an upload's shared layout file)."""


@dataclass(frozen=True, slots=True)
class Written:
    """A body on disk: where, how long, its hashes (MD5 empty when combined from parts)."""

    path: Path
    size: int
    md5: bytes
    crc64: int
    offset: int = 0
