"""ISO base media (MP4/MOV) layout facts that FFmpeg does not expose: brands, where the ``moov`` sits,
fragmentation, truncation and the video track's display matrix.

Only box headers and a few small boxes are read, before FFmpeg opens the file: the walk then tells
the reader what FFmpeg reads next (the whole ``moov``, fetched at once from a remote file) and how much
of a fragmented file FFmpeg is shown.
"""

# No `from __future__ import annotations` here: a NamedTuple's string annotations are each compiled
# at import (~0.1 ms a field in a fresh process), and this module is on every check's start-up path.

import math
import struct
from typing import NamedTuple

from validator.facts import MoovPosition
from validator.probe.reader import CachingReader
from validator.probe.sniff import has_ftyp

MAX_TOP_LEVEL_BOXES = 4096
MAX_CHILD_BOXES = 1024

MP4_BRANDS = frozenset(
    {
        "isom",
        "iso2",
        "iso3",
        "iso4",
        "iso5",
        "iso6",
        "iso7",
        "iso8",
        "iso9",
        "mp41",
        "mp42",
        "avc1",
        "hvc1",
        "hev1",
        "av01",
        "dash",
        "msnv",
        "mp71",
        "cmfc",
        "cmf2",
        "f4v ",
        "mmp4",
    }
)
"""Major brands that make a file an MP4 for ICE's purposes."""


class Box(NamedTuple):
    type: str
    start: int
    header: int
    size: int | None  # None: extends to the end of the file

    @property
    def payload(self) -> int:
        return self.start + self.header


class IsoLayout(NamedTuple):
    """What the top-level box walk found."""

    major_brand: str | None
    compatible_brands: tuple[str, ...]
    moov_position: MoovPosition | None
    fragmented: bool
    truncated: bool
    rotation: int | None
    """Clockwise display rotation of the first video track, from its ``tkhd`` matrix."""
    moov: Box | None = None
    """The ``moov`` box, when there is one."""
    first_moof: int | None = None
    """Offset of the first ``moof`` after the ``moov`` (fragmented files)."""
    first_fragment_end: int | None = None
    """Where the first fragment's ``mdat`` ends: all FFmpeg needs to read the streams' first packets."""


def read_box(reader: CachingReader, offset: int, limit: int) -> Box | None:
    head = reader.read_at(offset, 16)
    if len(head) < 8:
        return None
    size, raw_type = struct.unpack(">I4s", head[:8])
    box_type = raw_type.decode("latin-1")
    header = 8
    total: int | None
    if size == 1:
        if len(head) < 16:
            return None
        total = struct.unpack(">Q", head[8:16])[0]
        header = 16
    elif size == 0:
        total = None
        if limit < reader.size:
            total = limit - offset
    else:
        total = size
    if total is not None and total < header:
        return None
    return Box(box_type, offset, header, total)


def children(reader: CachingReader, box: Box) -> list[Box]:
    end = box.start + (box.size if box.size is not None else reader.size - box.start)
    end = min(end, reader.size)
    out: list[Box] = []
    offset = box.payload
    while offset + 8 <= end and len(out) < MAX_CHILD_BOXES:
        child = read_box(reader, offset, end)
        if child is None or child.size is None:
            break
        out.append(child)
        offset += child.size
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


def container_name(major: str | None, compatible: tuple[str, ...]) -> str | None:
    """``mp4``, ``mov``, ``3gp``, ``m4v``, ``m4a`` from the brands; ``None`` when they say nothing."""
    if major is None:
        return "mov"
    if major == "qt  ":
        return "mov"
    if major.startswith(("3gp", "3g2")):
        return "3gp"
    if major in ("M4V ", "M4VH", "M4VP"):
        return "m4v"
    if major in ("M4A ", "M4B ", "M4P "):
        return "m4a"
    if major in MP4_BRANDS:
        return "mp4"
    if "qt  " in compatible:
        return "mov"
    return None


def walk(reader: CachingReader) -> IsoLayout:
    """Walk the top-level boxes, stopping early once the answers are known."""
    size = reader.size
    offset = 0
    major: str | None = None
    compat: tuple[str, ...] = ()
    moov: Box | None = None
    media_seen_before_moov = False
    media_seen = False
    fragmented = False
    truncated = False
    first_moof: int | None = None
    first_fragment_end: int | None = None
    count = 0
    while offset + 8 <= size and count < MAX_TOP_LEVEL_BOXES:
        box = read_box(reader, offset, size)
        count += 1
        if box is None:
            truncated = True
            break
        end = offset + box.size if box.size is not None else size
        if end > size:
            truncated = True
        if box.type == "ftyp" and major is None:
            brands = sniff_ftyp(reader.read_at(offset, min(box.size or 64, 256)))
            if brands:
                major, compat = brands
        elif box.type == "moov" and moov is None:
            moov = box
        elif box.type in ("mdat", "moof"):
            media_seen = True
            if moov is None:
                media_seen_before_moov = True
            if box.type == "moof":
                fragmented = True
                if moov is not None:
                    first_moof = offset
                    following = read_box(reader, end, size) if end + 8 <= size else None
                    if following is not None and following.type == "mdat" and following.size is not None:
                        first_fragment_end = min(size, end + following.size)
                    break  # hundreds of fragments may follow: fragments.py reads only the last
        if box.size is None or truncated:
            break
        offset = end
    if 0 < offset < size and offset + 8 > size and not truncated and count < MAX_TOP_LEVEL_BOXES:
        truncated = True  # a few stray bytes: a box header cut short
    position: MoovPosition | None = None
    if moov is not None and media_seen:
        position = MoovPosition.END if media_seen_before_moov else MoovPosition.START
    in_moov = children(reader, moov) if moov is not None else []
    rotation = _video_rotation(reader, in_moov) if moov is not None else None
    if moov is not None and not fragmented:
        fragmented = any(c.type == "mvex" for c in in_moov)
    return IsoLayout(
        major, compat, position, fragmented, truncated, rotation, moov, first_moof, first_fragment_end
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
