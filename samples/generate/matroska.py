"""Matroska/WebM (EBML) surgery and inspection: DisplayWidth/DisplayHeight patched into the video
track (PyAV cannot set a stream's sample aspect ratio), and the head's element structure, for tests.
"""

from __future__ import annotations

import io
import math
import os
import pathlib
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from samples.generate.spec import VideoSpec


def display_size(spec: VideoSpec) -> tuple[int, int]:
    """DisplayWidth/DisplayHeight that give ``spec.sar`` (Matroska readers derive SAR from them)."""
    assert spec.sar is not None
    num, den = spec.sar
    if (spec.width * num) % den == 0:  # a whole display width: keep the height
        return spec.width * num // den, spec.height
    g = math.gcd(spec.width * num, spec.height * den)  # the exact ratio in smallest terms
    return spec.width * num // g, spec.height * den // g


Element = tuple[int, int, int, int]
"""(id, element start, data start, data end)."""


def _head(buf: bytes) -> tuple[int, list[Element]]:
    """The Segment's data start and its level-1 elements up to and including Tracks."""
    seg = next(e for e in _ebml_elements(buf, 0, len(buf)) if e[0] == _ID_SEGMENT)
    top: list[Element] = []
    for el in _ebml_elements(buf, seg[2], seg[3]):
        top.append(el)
        if el[0] == _ID_TRACKS:
            return seg[2], top
    raise RuntimeError("no Tracks element in the Matroska head")


def _tracks_with_display(buf: bytes, tracks: Element, display_w: int, display_h: int) -> bytes:
    """The Tracks element again, its video TrackEntry carrying DisplayWidth/DisplayHeight."""
    entries = []
    for eid, es, ds, de in _ebml_elements(buf, tracks[2], tracks[3]):
        kids = list(_ebml_elements(buf, ds, de)) if eid == _ID_TRACKENTRY else []
        kind = next((int.from_bytes(buf[d:e], "big") for i, _s, d, e in kids if i == _ID_TRACKTYPE), 0)
        if kind != 1:
            entries.append(buf[es:de])
            continue
        body = b""
        for i, s2, d2, e2 in kids:
            if i == _ID_VIDEO:
                video = b"".join(
                    buf[a:d]
                    for j, a, _b, d in _ebml_elements(buf, d2, e2)
                    if j not in (0x54B0, 0x54BA, 0x54B2)
                )  # DisplayUnit: pixels
                video += _ebml_uint(0x54B0, display_w) + _ebml_uint(0x54BA, display_h)
                body += _ebml_master(_ID_VIDEO, video)
            else:
                body += buf[s2:e2]
        entries.append(_ebml_master(_ID_TRACKENTRY, body))
    return _ebml_master(_ID_TRACKS, _with_crc(b"".join(entries)))


def _void(room: int) -> bytes:
    """A Void element of exactly ``room`` bytes (0, or at least 2)."""
    if room < 0 or room == 1:
        raise RuntimeError("not enough reserved space before Tracks")
    if room >= 9:
        return b"\xec" + ((1 << 56) | (room - 9)).to_bytes(8, "big") + bytes(room - 9)
    if room >= 2:
        return b"\xec" + bytes([0x80 | (room - 2)]) + bytes(room - 2)
    return b""


def _shifted_seekhead(buf: bytes, seekhead: Element, lo: int, hi: int, delta: int) -> bytes:
    """The SeekHead with every position in ``[lo, hi]`` (relative to the segment data) less ``delta``."""
    sh = bytearray(buf[seekhead[2] : seekhead[3]])
    for eid, _es, ds, de in _ebml_elements(bytes(sh), 0, len(sh)):
        if eid != _ID_SEEK:
            continue
        for cid, _cs, cds, cde in _ebml_elements(bytes(sh), ds, de):
            if cid == _ID_SEEKPOSITION:
                pos = int.from_bytes(sh[cds:cde], "big")
                if lo <= pos <= hi:
                    sh[cds:cde] = (pos - delta).to_bytes(cde - cds, "big")
    return buf[seekhead[1] : seekhead[2]] + _with_crc(bytes(sh))


def set_display_size(path: pathlib.Path, display_w: int, display_h: int) -> None:
    """Add DisplayWidth/DisplayHeight to the video track of a Matroska/WebM file.

    The grown Tracks element takes its room from the Void that FFmpeg reserves after the SeekHead,
    so no cluster moves; the SeekHead positions of the elements in between are shifted.
    """
    buf = path.read_bytes()
    seg_data, top = _head(buf)
    tracks = top[-1]
    new_tracks = _tracks_with_display(buf, tracks, display_w, display_h)
    delta = len(new_tracks) - (tracks[3] - tracks[1])
    void = next((e for e in top if e[0] == _ID_VOID), None)
    seekhead = next((e for e in top if e[0] == _ID_SEEKHEAD), None)
    if void is None or seekhead is None or void[1] > tracks[1]:
        raise RuntimeError("no reserved space before Tracks to grow it")
    new_void = _void(void[3] - void[1] - delta)
    new_sh = _shifted_seekhead(buf, seekhead, void[3] - seg_data, tracks[1] - seg_data, delta)
    out = (
        buf[: seekhead[1]]
        + new_sh
        + buf[seekhead[3] : void[1]]
        + new_void
        + buf[void[3] : tracks[1]]
        + new_tracks
        + buf[tracks[3] :]
    )
    if len(out) != len(buf):
        raise RuntimeError("Matroska patch changed the file length")
    path.write_bytes(out)


_ID_SEGMENT, _ID_SEEKHEAD, _ID_VOID, _ID_TRACKS = 0x18538067, 0x114D9B74, 0xEC, 0x1654AE6B
_ID_CRC32, _ID_SEEK, _ID_SEEKPOSITION = 0xBF, 0x4DBB, 0x53AC
_ID_TRACKENTRY, _ID_TRACKTYPE, _ID_VIDEO = 0xAE, 0x83, 0xE0


def _vint_at(buf: bytes, pos: int, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-size integer at ``pos``: (value, length); unknown sizes give -1."""
    b0 = buf[pos]
    length = 1
    while length <= 8 and not b0 & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError(f"bad EBML integer at {pos}")
    value = b0 if keep_marker else b0 & (0xFF >> length)
    for byte in buf[pos + 1 : pos + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = -1
    return value, length


def _ebml_elements(buf: bytes, start: int, end: int) -> Iterator[Element]:
    """(id, element start, data start, data end) of the elements in ``buf[start:end]``."""
    pos = start
    while pos < end:
        eid, ilen = _vint_at(buf, pos, True)
        size, slen = _vint_at(buf, pos + ilen, False)
        data = pos + ilen + slen
        stop = end if size < 0 else data + size
        yield eid, pos, data, stop
        pos = stop


def _ebml_id(eid: int) -> bytes:
    return eid.to_bytes((eid.bit_length() + 7) // 8, "big")


def _ebml_master(eid: int, body: bytes) -> bytes:
    """A master element with an 8-byte size field (as FFmpeg writes TrackEntry)."""
    return _ebml_id(eid) + ((1 << 56) | len(body)).to_bytes(8, "big") + body


def _ebml_uint(eid: int, value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    return _ebml_id(eid) + bytes([0x80 | len(raw)]) + raw


def _with_crc(body: bytes) -> bytes:
    """Recompute a leading CRC-32 child (Matroska writes one in each level-1 element)."""
    if body[:2] == b"\xbf\x84":
        return b"\xbf\x84" + struct.pack("<I", zlib.crc32(body[6:]) & 0xFFFFFFFF) + body[6:]
    return body


_EBML_NAMES = {
    0x1A45DFA3: "EBML",
    0x18538067: "Segment",
    0x114D9B74: "SeekHead",
    0x1549A966: "Info",
    0x1654AE6B: "Tracks",
    0x1F43B675: "Cluster",
    0x1C53BB6B: "Cues",
    0x1254C367: "Tags",
    0xEC: "Void",
    0xBF: "CRC-32",
    0x4489: "Duration",
    0x2AD7B1: "TimestampScale",
    0x4D80: "MuxingApp",
    0x5741: "WritingApp",
    0x73A4: "SegmentUUID",
    0x4282: "DocType",
}


@dataclass(frozen=True)
class MatroskaLayout:
    """What the head of a Matroska/WebM file declares (element names, in file order)."""

    doctype: str | None
    segment_children: tuple[str, ...]
    """Level-1 elements, up to the first one of unknown size (a live file's open Cluster)."""
    info_children: tuple[str, ...]
    """Elements inside Segment Info."""

    @property
    def has_duration(self) -> bool:
        return "Duration" in self.info_children

    @property
    def has_cues(self) -> bool:
        return "Cues" in self.segment_children


def _read_element_header(f: io.BufferedReader) -> tuple[int, int] | None:
    """(id, data size or -1 when unknown) of the element at the file position, which it passes."""
    start = f.tell()
    head = f.read(12)
    if len(head) < 2:
        return None
    eid, ilen = _vint_at(head, 0, True)
    size, slen = _vint_at(head, ilen, False)
    f.seek(start + ilen + slen)
    return eid, size


def matroska_layout(path: str | os.PathLike[str]) -> MatroskaLayout:
    """Read the element structure of a Matroska/WebM file without decoding: seeks past each
    level-1 element, so only a few bytes per element are read."""
    doctype = None
    seg_children: list[str] = []
    info_children: list[str] = []
    with open(path, "rb") as f:
        total = os.fstat(f.fileno()).st_size
        while (el := _read_element_header(f)) is not None:
            eid, size = el
            if eid == 0x1A45DFA3:  # the EBML header: read its DocType
                body = f.read(size)
                for cid, _s, ds, de in _ebml_elements(body, 0, len(body)):
                    if cid == 0x4282:
                        doctype = body[ds:de].decode("ascii", "replace")
                continue
            if eid != _ID_SEGMENT:
                if size < 0:
                    break
                f.seek(size, 1)
                continue
            end = total if size < 0 else f.tell() + size
            while f.tell() < end and (child := _read_element_header(f)) is not None:
                cid, csize = child
                seg_children.append(_EBML_NAMES.get(cid, hex(cid)))
                if csize < 0:
                    break
                if cid == 0x1549A966:  # Info
                    body = f.read(csize)
                    info_children += [
                        _EBML_NAMES.get(i, hex(i)) for i, _s, _d, _e in _ebml_elements(body, 0, len(body))
                    ]
                else:
                    f.seek(csize, 1)
            break
    return MatroskaLayout(doctype, tuple(seg_children), tuple(info_children))
