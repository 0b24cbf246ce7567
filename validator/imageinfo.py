"""Image headers: the format and size of a PNG or JPEG, read from its first bytes (no decoder needed).

PNG keeps its size in ``IHDR`` and JPEG in its start-of-frame segment, so a few kilobytes answer the
question for any file size. Shared by the client (a portrait must be square) and the sandbox (what
GetMediaInfo reports for a registered image), which therefore import neither each other.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # DHT, JPG and DAC are not frames
_SCAN_LIMIT = 1024 * 1024  # EXIF thumbnails can push the frame header far in; hostile files cannot


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the header says."""

    format: str
    """``png`` or ``jpeg``."""
    width: int
    height: int


def read_image_info(path: str | os.PathLike[str]) -> ImageInfo | None:
    """Format and size of a PNG or JPEG file; ``None`` when it is neither (or is damaged)."""
    with open(path, "rb") as fh:
        head = fh.read(_SCAN_LIMIT)
    if head.startswith(PNG_SIGNATURE) and len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return ImageInfo("png", width, height)
    if head.startswith(b"\xff\xd8"):
        return _jpeg(head)
    return None


def _jpeg(data: bytes) -> ImageInfo | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return ImageInfo("jpeg", width, height) if width and height else None
        if marker == 0xDA:  # start of scan before any frame header: not a valid JPEG
            return None
        pos += 2 + length
    return None
