"""ISO base media (MP4/MOV) layout facts that FFmpeg does not expose: brands, where the ``moov`` sits,
fragmentation, truncation and the video track's display matrix.

Only box headers and a few small boxes are read, before FFmpeg opens the file: the walk then tells
the reader what FFmpeg reads next (the whole ``moov``, fetched at once from a remote file) and how much
of a fragmented file FFmpeg is shown.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from validator.facts import MoovPosition
from validator.probe.boxes import HEADER_BYTES, Box, iter_boxes
from validator.probe.reader import CachingReader
from validator.probe.sniff import has_ftyp

__all__ = ["Box", "IsoLayout", "children", "sniff_ftyp", "walk"]

MAX_TOP_LEVEL_BOXES = 4096
MAX_CHILD_BOXES = 1024


@dataclass(frozen=True, slots=True)
class IsoLayout:
    """What the top-level box walk found."""

    major_brand: str | None
    compatible_brands: tuple[str, ...]
    moov_position: MoovPosition | None
    """Whether the ``moov`` comes before or after the media; ``None`` without both."""
    fragmented: bool
    truncated: bool
    """A box runs past the end of the file, or a header is cut short."""
    rotation: int | None
    """Clockwise display rotation of the first video track, from its ``tkhd`` matrix."""
    moov: Box | None = None
    """The ``moov`` box, when there is one."""
    first_moof: int | None = None
    """Offset of the first ``moof`` after the ``moov`` (fragmented files)."""
    first_fragment_end: int | None = None
    """Where the first fragment's ``mdat`` ends: all FFmpeg needs to read the streams' first packets."""


def children(reader: CachingReader, box: Box) -> list[Box]:
    """The boxes inside ``box`` (up to one without a size), at most :data:`MAX_CHILD_BOXES`."""
    end = min(box.end(reader.size), reader.size)
    out: list[Box] = []
    for child in iter_boxes(reader.read_at, box.payload, end, eof=end >= reader.size, most=MAX_CHILD_BOXES):
        if child.size is None:
            break
        out.append(child)
    return out


def sniff_ftyp(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    """Major and compatible brands when ``head`` starts with an ``ftyp`` box."""
    if not has_ftyp(head):
        return None
    size = struct.unpack(">I", head[:4])[0]
    body = head[8 : min(size, len(head))]
    major = body[:4].decode("latin-1")
    compat = tuple(body[i : i + 4].decode("latin-1") for i in range(8, len(body) - 3, 4))
    return major, compat


def walk(reader: CachingReader) -> IsoLayout:
    """Walk the top-level boxes, stopping early once the answers are known."""
    size = reader.size
    brands: tuple[str, tuple[str, ...]] | None = None
    moov: Box | None = None
    media_seen_before_moov = media_seen = fragmented = truncated = False
    first_moof: int | None = None
    first_fragment_end: int | None = None
    count = last_end = 0
    for box in iter_boxes(reader.read_at, 0, size, eof=True, most=MAX_TOP_LEVEL_BOXES):
        count += 1
        end = box.end(size)
        if first_moof is not None:  # the box after the first fragment's moof
            if box.type == "mdat" and box.size is not None:
                first_fragment_end = min(size, end)
            break
        last_end = end
        truncated = truncated or end > size
        if box.type == "ftyp" and brands is None:
            brands = sniff_ftyp(reader.read_at(box.start, min(box.size or 64, 256)))
        elif box.type == "moov" and moov is None:
            moov = box
            if box.size is not None and box.size <= reader.limits.max_index_bytes:
                # A remote file's index and the next box's header in one request, before the walk
                # asks for that header alone (a local reader ignores this: its reads are cheap).
                reader.prefetch(box.start, box.size + HEADER_BYTES)
        elif box.type in ("mdat", "moof"):
            media_seen = True
            media_seen_before_moov = media_seen_before_moov or moov is None
            if box.type == "moof":
                fragmented = True
                if moov is not None:
                    first_moof = box.start  # hundreds of fragments may follow: fragments.py reads the last
    if first_moof is None and count < MAX_TOP_LEVEL_BOXES and last_end < size and (last_end or size >= 8):
        truncated = True  # the walk stopped short: a header cut short or unreadable, or stray bytes
    position: MoovPosition | None = None
    if moov is not None and media_seen:
        position = MoovPosition.END if media_seen_before_moov else MoovPosition.START
    in_moov = children(reader, moov) if moov is not None else []
    if moov is not None and not fragmented:
        fragmented = any(c.type == "mvex" for c in in_moov)
    major, compat = brands if brands is not None else (None, ())
    return IsoLayout(
        major_brand=major,
        compatible_brands=compat,
        moov_position=position,
        fragmented=fragmented,
        truncated=truncated,
        rotation=_video_rotation(reader, in_moov) if moov is not None else None,
        moov=moov,
        first_moof=first_moof,
        first_fragment_end=first_fragment_end,
    )


def _video_rotation(reader: CachingReader, in_moov: list[Box]) -> int | None:
    for trak in (c for c in in_moov if c.type == "trak"):
        kids = children(reader, trak)
        if not _is_video_trak(reader, kids):
            continue
        tkhd = next((c for c in kids if c.type == "tkhd"), None)
        if tkhd is None:
            return None
        return _tkhd_rotation(reader.read_at(tkhd.payload, 96))
    return None


def _is_video_trak(reader: CachingReader, trak_children: list[Box]) -> bool:
    mdia = next((c for c in trak_children if c.type == "mdia"), None)
    if mdia is None:
        return False
    hdlr = next((c for c in children(reader, mdia) if c.type == "hdlr"), None)
    if hdlr is None:
        return False
    body = reader.read_at(hdlr.payload, 12)
    return body[8:12] == b"vide"


def _tkhd_rotation(body: bytes) -> int | None:
    if not body:
        return None
    matrix_at = 52 if body[0] == 1 else 40
    if len(body) < matrix_at + 36:
        return None
    a, b = struct.unpack(">ii", body[matrix_at : matrix_at + 8])
    if a == 0 and b == 0:
        return None
    degrees = math.degrees(math.atan2(b, a))
    return round(degrees / 90.0) % 4 * 90
