"""Image headers: the format and size of a portrait, read from its first bytes (no decoder needed).

CreateAvatarTrainingJob asks for a square portrait; PNG keeps its size in ``IHDR`` and JPEG in its
start-of-frame segment, so a few kilobytes answer the question for any file size.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from validator.findings import Finding, Severity

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # DHT, JPG and DAC are not frames
_SCAN_LIMIT = 1024 * 1024  # EXIF thumbnails can push the frame header far in; hostile files cannot


@dataclass(frozen=True)
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


def portrait_problems(path: str | os.PathLike[str]) -> list[Finding]:
    """Step 2 for a portrait file: a JPEG or PNG whose width equals its height."""
    try:
        info = read_image_info(path)
    except OSError as exc:
        return [
            Finding(
                "portrait-format",
                Severity.ERROR,
                f"the portrait cannot be read: {exc.strerror or exc}",
                "a readable JPEG or PNG",
                None,
                "Check the path and that you may read the file.",
            )
        ]
    if info is None:
        return [
            Finding(
                "portrait-format",
                Severity.ERROR,
                "the portrait is not a JPEG or PNG image",
                "JPEG or PNG",
                None,
                f"Convert it: ffmpeg -i {os.fspath(path)} portrait.png",
            )
        ]
    if info.width != info.height:
        side = min(info.width, info.height)
        return [
            Finding(
                "portrait-square",
                Severity.ERROR,
                f"the portrait must be square; it is {info.width}x{info.height}",
                "width = height",
                f"{info.width}x{info.height}",
                f"Crop it: ffmpeg -i {os.fspath(path)} -vf crop={side}:{side} portrait-square.png",
            )
        ]
    return []
