"""Track durations of a fragmented MP4 from its last fragment, without visiting the others.

Opening a fragmented file, FFmpeg seeks to every ``moof`` (hundreds in a long recording). Instead the
probe shows FFmpeg only the first fragment and reads the end of each track here: the ``mfra`` index at
the end of the file (or, without one, the top-level box headers) leads to the last ``moof``, whose
``tfdt`` decode time plus its ``trun`` sample durations is where each track ends.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from fractions import Fraction

from validator.probe.boxes import HEADER_BYTES, Box, boxes_in, iter_boxes, parse_header
from validator.probe.isobmff import children
from validator.probe.reader import CachingReader

MAX_FRAGMENTS_WALKED = 8192
MAX_MOOF_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Track:
    """What the ``moov`` says about one track."""

    track_id: int
    handler: str
    timescale: int
    default_duration: int | None
    """``trex`` default sample duration, in the track's timescale."""


def tracks(reader: CachingReader, moov: Box) -> dict[int, Track]:
    """Every track's id, handler and timescale, with the ``trex`` defaults of ``mvex``."""
    defaults: dict[int, int] = {}
    found: list[tuple[int, str, int]] = []
    for box in children(reader, moov):
        if box.type == "mvex":
            for trex in (c for c in children(reader, box) if c.type == "trex"):
                body = reader.read_at(trex.payload, 24)
                if len(body) >= 16:
                    track_id, _, duration = struct.unpack(">III", body[4:16])
                    defaults[track_id] = duration
        elif box.type == "trak":
            parsed = _trak(reader, box)
            if parsed is not None:
                found.append(parsed)
    return {tid: Track(tid, handler, scale, defaults.get(tid) or None) for tid, handler, scale in found}


def _trak(reader: CachingReader, trak: Box) -> tuple[int, str, int] | None:
    kids = children(reader, trak)
    tkhd = next((c for c in kids if c.type == "tkhd"), None)
    mdia = next((c for c in kids if c.type == "mdia"), None)
    if tkhd is None or mdia is None:
        return None
    head = reader.read_at(tkhd.payload, 24)
    if len(head) < 24:
        return None
    track_id = struct.unpack(">I", head[20:24] if head[0] == 1 else head[12:16])[0]
    handler, scale = "", 0
    for box in children(reader, mdia):
        body = reader.read_at(box.payload, 32)
        if box.type == "hdlr" and len(body) >= 12:
            handler = body[8:12].decode("latin-1")
        elif box.type == "mdhd" and len(body) >= 24:
            scale = struct.unpack(">I", body[20:24] if body[0] == 1 else body[12:16])[0]
    return (track_id, handler, scale) if scale > 0 else None


def _small(reader: CachingReader, offset: int, length: int) -> bytes:
    """A few bytes far from anything cached: fetched exactly, not as a whole block."""
    return reader.read_uncached(offset, length)


def _last_moofs(reader: CachingReader, first_moof: int) -> list[int] | None:
    """Offsets of the file's final run of ``moof`` boxes, starting at the last indexed one."""
    start = first_moof
    tail = _small(reader, reader.size - 16, 16)
    if len(tail) == 16 and tail[4:8] == b"mfro":
        mfra_size = struct.unpack(">I", tail[12:16])[0]
        if 16 <= mfra_size <= min(reader.size, MAX_MOOF_BYTES):
            start = max(first_moof, _mfra_last_moof(_small(reader, reader.size - mfra_size, mfra_size)))
    found: list[int] = []
    count, end = 0, start

    def read(offset: int, length: int) -> bytes:
        return _small(reader, offset, length)

    for box in iter_boxes(read, start, reader.size, most=MAX_FRAGMENTS_WALKED):
        count, end = count + 1, box.end(reader.size)
        if box.type == "moof":
            found.append(box.start)
    if end > reader.size:
        return None  # a box runs past the end: truncated, let FFmpeg and the walk say so
    if reader.size - end >= 8 or count >= MAX_FRAGMENTS_WALKED:
        return None  # a header that does not parse, or too many fragments to walk
    return found


def _mfra_last_moof(mfra: bytes) -> int:
    """The largest ``moof`` offset any ``tfra`` entry names (0 when none can be read)."""
    best = 0
    for box in boxes_in(mfra, 8):
        body = mfra[box.payload : box.end(len(mfra))]
        if box.type != "tfra" or len(body) < 16:
            continue
        version = body[0]
        sizes_field, count = struct.unpack(">II", body[8:16])
        extra = ((sizes_field >> 4) & 3) + ((sizes_field >> 2) & 3) + (sizes_field & 3) + 3
        entry = (16 if version == 1 else 8) + extra
        at = 16
        for _ in range(min(count, (len(body) - at) // max(entry, 1))):
            if version == 1:
                moof = struct.unpack(">Q", body[at + 8 : at + 16])[0]
            else:
                moof = struct.unpack(">I", body[at + 4 : at + 8])[0]
            best = max(best, moof)
            at += entry
    return best


def _fragments(moof: bytes, defaults: dict[int, int | None]) -> dict[int, tuple[int, int]]:
    """Per track in this ``moof``: (``tfdt`` decode time, that plus the sum of its sample durations)."""
    out: dict[int, tuple[int, int]] = {}
    for box in boxes_in(moof, 8):
        if box.type == "traf":
            parsed = _traf(moof[box.payload : box.end(len(moof))], defaults)
            if parsed is not None:
                track_id, base, total = parsed
                out[track_id] = (base, base + total)
    return out


def _traf(body: bytes, defaults: dict[int, int | None]) -> tuple[int, int, int] | None:
    """(track id, ``tfdt``, summed ``trun`` durations) of one track fragment."""
    track_id: int | None = None
    default: int | None = None
    base: int | None = None
    total = 0
    for child in boxes_in(body):
        box = body[child.payload : child.end(len(body))]
        if child.type == "tfhd" and len(box) >= 8:
            flags = int.from_bytes(box[1:4], "big")
            track_id = struct.unpack(">I", box[4:8])[0]
            at = 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            default = (
                struct.unpack(">I", box[at : at + 4])[0] if flags & 0x08 and len(box) >= at + 4 else None
            )
            default = default or defaults.get(track_id)
        elif child.type == "tfdt" and len(box) >= 8:
            wide = box[0] == 1 and len(box) >= 12
            base = struct.unpack(">Q", box[4:12])[0] if wide else struct.unpack(">I", box[4:8])[0]
        elif child.type == "trun" and len(box) >= 8:
            total += _trun_duration(box, default)
    if track_id is None or base is None:
        return None
    return track_id, base, total


def _trun_duration(box: bytes, default: int | None) -> int:
    flags = int.from_bytes(box[1:4], "big")
    count = int.from_bytes(box[4:8], "big")
    at = 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    if not flags & 0x100:
        return count * (default or 0)
    stride = 4 * sum(1 for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit)
    count = min(count, max(0, (len(box) - at) // stride))
    return sum(int.from_bytes(box[at + i * stride : at + i * stride + 4], "big") for i in range(count))


def track_durations(reader: CachingReader, moov: Box, first_moof: int) -> dict[int, float]:
    """Seconds each track lasts, from its first fragment's start to its last one's end."""
    known = tracks(reader, moov)
    defaults = {tid: t.default_duration for tid, t in known.items()}
    last = _last_moofs(reader, first_moof)
    first = parse_header(reader.read_at(first_moof, 16), first_moof, reader.size, eof=True)
    if not last or first is None or first.size is None or first.size > MAX_MOOF_BYTES:
        return {}
    starts = {tid: base for tid, (base, _) in _fragments(reader.read_at(first_moof, first.size), {}).items()}
    ends: dict[int, int] = {}
    for offset in last:
        head = parse_header(_small(reader, offset, 16), offset, reader.size)
        if head is None or head.size is None or head.size > MAX_MOOF_BYTES:
            return {}
        for tid, (_, end) in _fragments(_small(reader, offset, head.size), defaults).items():
            ends[tid] = max(ends.get(tid, 0), end)
    out: dict[int, float] = {}
    for tid, end in ends.items():
        track = known.get(tid)
        start = starts.get(tid, 0)
        if track is not None and end > start:
            out[tid] = (end - start) / track.timescale
    return out


def stated_rates(reader: CachingReader, moov: Box, first_moof: int) -> dict[int, Fraction]:
    """The frame rate each track's first fragment states: its timescale over the one duration its
    samples share (from ``trun``, else the ``tfhd`` or ``trex`` default). The first and last samples
    are left out: a muxer stretches the first over a start offset and guesses the last, having no
    next sample to measure it against (FFmpeg's mov muxer does both). A track whose other samples
    differ in length states none. FFmpeg, shown only the start of the
    first fragment, can only estimate a rate from the few packets it read."""
    known = tracks(reader, moov)
    moof = parse_header(reader.read_at(first_moof, HEADER_BYTES), first_moof, reader.size, eof=True)
    if moof is None or moof.type != "moof" or moof.size is None or moof.size > MAX_MOOF_BYTES:
        return {}
    out: dict[int, Fraction] = {}
    for traf in (box for box in children(reader, moof) if box.type == "traf"):
        track_id, durations = _sample_durations(reader, traf, known)
        track = known.get(track_id) if track_id is not None else None
        shared = set(durations[1:-1] if len(durations) > 2 else durations)
        if track is not None and len(shared) == 1 and 0 not in shared:
            out[track.track_id] = Fraction(track.timescale, shared.pop())
    return out


def _sample_durations(
    reader: CachingReader, traf: Box, known: dict[int, Track]
) -> tuple[int | None, list[int]]:
    """(track id, each sample's duration in order) of one track fragment."""
    track_id: int | None = None
    default: int | None = None
    durations: list[int] = []
    for box in children(reader, traf):
        body = reader.read_at(box.payload, (box.size or 0) - box.header)
        if box.type == "tfhd" and len(body) >= 8:
            flags = int.from_bytes(body[1:4], "big")
            track_id = struct.unpack(">I", body[4:8])[0]
            at = 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            if flags & 0x08 and len(body) >= at + 4:
                default = struct.unpack(">I", body[at : at + 4])[0]
            elif track_id in known:
                default = known[track_id].default_duration
        elif box.type == "trun" and len(body) >= 8:
            durations += _trun_sample_durations(body, default)
    return track_id, durations


def _trun_sample_durations(box: bytes, default: int | None) -> list[int]:
    flags = int.from_bytes(box[1:4], "big")
    count = int.from_bytes(box[4:8], "big")
    if not flags & 0x100:
        return [default or 0] * min(count, 3)  # all alike: three stand for any number
    at = 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    stride = 4 * sum(1 for bit in (0x100, 0x200, 0x400, 0x800) if flags & bit)
    count = min(count, max(0, (len(box) - at) // stride))
    return [int.from_bytes(box[at + i * stride : at + i * stride + 4], "big") for i in range(count)]
