"""ISO base media (MP4/MOV) surgery: shared samples, moving the ``moov`` first, the rotation matrix.

Boxes are found with the probe's own walk (:mod:`validator.probe.boxes`); the ``moov`` is then held
as a small tree of :class:`Node` so that sample tables can be replaced and the whole serialized again.
"""

from __future__ import annotations

import os
import pathlib
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from samples.generate.encode import video_schedule
from samples.generate.spec import VideoSpec
from validator.probe.boxes import Box, boxes_in, iter_boxes

_CONTAINER_BOXES = {"moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "mvex"}
_DROPPED_WITH_SHARED_SAMPLES = {"stss", "ctts", "sdtp", "stps", "sbgp", "sgpd", "stco", "co64"}
"""Sample-table boxes that describe the stored frames only: rebuilt or left out for the long video."""


@dataclass(slots=True)
class Node:
    """A box held in memory to be edited: raw payload, or children (container boxes)."""

    type: str
    payload: bytes = b""
    children: list[Node] | None = None

    def find(self, type_: str) -> Node | None:
        return next((c for c in self.children or () if c.type == type_), None)

    def need(self, *path: str) -> Node:
        """The descendant at ``path`` (one type per level), which must exist."""
        node = self
        for type_ in path:
            found = node.find(type_)
            if found is None:
                raise RuntimeError(f"no {type_} box in {node.type}")
            node = found
        return node

    def all(self, type_: str) -> list[Node]:
        return [c for c in self.children or () if c.type == type_]

    def serialize(self) -> bytes:
        body = b"".join(c.serialize() for c in self.children) if self.children is not None else self.payload
        kind = self.type.encode("latin-1")
        size = 8 + len(body)
        if size < 2**32:
            return struct.pack(">I4s", size, kind) + body
        return struct.pack(">I4sQ", 1, kind, size + 8) + body


def _strict_boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Box]:
    """The boxes in ``data[start:end]``; a file we wrote ourselves has no broken one."""
    end = len(data) if end is None else end
    at = start
    for box in boxes_in(data, start, end):
        at = box.end(end)
        if at > end:
            break
        yield box
    if at + 8 <= end:
        raise ValueError(f"broken box at {at}")


def _parse(data: bytes, box: Box) -> Node:
    end = box.end(len(data))
    if box.type in _CONTAINER_BOXES:
        return Node(box.type, children=[_parse(data, c) for c in _strict_boxes(data, box.payload, end)])
    return Node(box.type, payload=data[box.payload : end])


def mp4_top_level_boxes(path: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """Top-level boxes of an MP4/MOV file: ``(type, offset, size)``; reads only box headers."""
    with open(path, "rb") as f:

        def read(offset: int, length: int) -> bytes:
            f.seek(offset)
            return f.read(length)

        length = os.fstat(f.fileno()).st_size
        return [(b.type, b.start, b.end(length) - b.start) for b in iter_boxes(read, 0, length)]


def _full_box(payload: bytes) -> tuple[int, int]:
    return payload[0], int.from_bytes(payload[1:4], "big")


def _handler(trak: Node) -> bytes:
    mdia = trak.find("mdia")
    hdlr = mdia.find("hdlr") if mdia else None
    return hdlr.payload[8:12] if hdlr else b""


def _chunk_offsets(stbl: Node) -> list[int]:
    stco = stbl.find("stco")
    if stco is not None:
        n = struct.unpack_from(">I", stco.payload, 4)[0]
        return list(struct.unpack_from(f">{n}I", stco.payload, 8))
    co64 = stbl.need("co64")
    n = struct.unpack_from(">I", co64.payload, 4)[0]
    return list(struct.unpack_from(f">{n}Q", co64.payload, 8))


def _set_chunk_offsets(stbl: Node, offsets: Sequence[int]) -> None:
    stbl.children = [c for c in stbl.children or () if c.type not in ("stco", "co64")]
    if offsets and max(offsets) >= 2**32:
        box = Node("co64", struct.pack(f">II{len(offsets)}Q", 0, len(offsets), *offsets))
    else:
        box = Node("stco", struct.pack(f">II{len(offsets)}I", 0, len(offsets), *offsets))
    stbl.children.append(box)


def _sample_layout(stbl: Node) -> tuple[list[int], list[int]]:
    """(file offset, size) of every sample of a track."""
    stsz = stbl.need("stsz")
    const, count = struct.unpack_from(">II", stsz.payload, 4)
    sizes = [const] * count if const else list(struct.unpack_from(f">{count}I", stsz.payload, 12))
    stsc = stbl.need("stsc")
    n = struct.unpack_from(">I", stsc.payload, 4)[0]
    runs = [struct.unpack_from(">III", stsc.payload, 8 + 12 * i) for i in range(n)]
    offsets: list[int] = []
    sample = 0
    for ci, base in enumerate(_chunk_offsets(stbl), start=1):
        per_chunk = 0
        for first, spc, _sdi in runs:
            if first <= ci:
                per_chunk = spc
        pos = base
        for _ in range(per_chunk):
            if sample >= count:
                break
            offsets.append(pos)
            pos += sizes[sample]
            sample += 1
    return offsets, sizes


def _set_duration(box: Node, offset_v0: int, offset_v1: int, value: int) -> None:
    """Write a duration field of a full box (32-bit in version 0, 64-bit in version 1)."""
    version, _flags = _full_box(box.payload)
    p = bytearray(box.payload)
    if version == 1:
        struct.pack_into(">Q", p, offset_v1, value)
    else:
        struct.pack_into(">I", p, offset_v0, min(value, 2**32 - 1))
    box.payload = bytes(p)


def _timescale(box: Node) -> int:
    """The timescale of an ``mvhd`` or ``mdhd``."""
    version, _flags = _full_box(box.payload)
    return int(struct.unpack_from(">I", box.payload, 20 if version == 1 else 12)[0])


def _track_duration(tkhd: Node) -> int:
    version, _ = _full_box(tkhd.payload)
    if version == 1:
        return int(struct.unpack_from(">Q", tkhd.payload, 28)[0])
    return int(struct.unpack_from(">I", tkhd.payload, 20)[0])


def _shared_tables(spec: VideoSpec, tick: int, sizes: list[int], stored: int) -> list[Node]:
    """``stts``, ``stsz`` and ``stsc`` of the long video, whose samples cycle over ``stored`` frames."""
    runs: list[list[int]] = []  # stts: run-length coded sample durations
    for _pts, dur, _i in video_schedule(spec):
        delta = dur * tick
        if runs and runs[-1][1] == delta:
            runs[-1][0] += 1
        else:
            runs.append([1, delta])
    n = sum(count for count, _ in runs)
    stts = struct.pack(">II", 0, len(runs)) + b"".join(struct.pack(">II", c, d) for c, d in runs)
    if len(set(sizes)) == 1:
        stsz = struct.pack(">III", 0, sizes[0], n)
    else:
        stsz = struct.pack(f">III{n}I", 0, 0, n, *(sizes[i % stored] for i in range(n)))
    stsc = struct.pack(">IIIII", 0, 1, 1, 1, 1)  # one sample per chunk
    return [Node("stts", stts), Node("stsz", stsz), Node("stsc", stsc)]


def _share_samples(stbl: Node, spec: VideoSpec, tick: int, keyframes: list[bool]) -> None:
    """Replace the sample tables so that sample ``i`` is stored frame ``i % stored``."""
    offsets, sizes = _sample_layout(stbl)
    stored = len(offsets)
    if stored != len(keyframes):
        raise RuntimeError(f"{stored} stored samples, expected {len(keyframes)}")
    tables = {node.type: node for node in _shared_tables(spec, tick, sizes, stored)}
    n = spec.frame_count
    children: list[Node] = []
    for c in stbl.children or ():
        if c.type in tables:
            children.append(tables[c.type])
        elif c.type not in _DROPPED_WITH_SHARED_SAMPLES:
            children.append(c)
    if not all(keyframes):
        sync = [i + 1 for i in range(n) if keyframes[i % stored]]
        children.append(Node("stss", struct.pack(f">II{len(sync)}I", 0, len(sync), *sync)))
    stbl.children = children
    _set_chunk_offsets(stbl, [offsets[i % stored] for i in range(n)])  # each chunk at its stored frame


def expand_shared_samples(data: bytes, spec: VideoSpec, keyframes: list[bool]) -> bytes:
    """Rewrite the video track so that its samples cycle over the few stored frames.

    The file must have its ``moov`` after ``mdat`` (so chunk offsets do not move).
    """
    moov_box = next(b for b in _strict_boxes(data) if b.type == "moov")
    if moov_box.end(len(data)) != len(data):
        raise RuntimeError("expected the moov box at the end of the file")
    moov = _parse(data, moov_box)
    mvhd = moov.need("mvhd")
    trak = next(t for t in moov.all("trak") if _handler(t) == b"vide")
    mdhd = trak.need("mdia", "mdhd")
    track_ts = _timescale(mdhd)
    if track_ts % spec.fps:
        raise RuntimeError(f"track timescale {track_ts} is not a multiple of {spec.fps} fps")
    tick = track_ts // spec.fps
    _share_samples(trak.need("mdia", "minf", "stbl"), spec, tick, keyframes)

    media_duration = spec.frame_slots * tick
    _set_duration(mdhd, 16, 24, media_duration)
    movie_ts = _timescale(mvhd)
    movie_duration = (media_duration * movie_ts + track_ts // 2) // track_ts
    _set_duration(trak.need("tkhd"), 20, 28, movie_duration)
    trak.children = [c for c in trak.children or () if c.type != "edts"]
    longest = max(_track_duration(h) for h in (t.find("tkhd") for t in moov.all("trak")) if h)
    _set_duration(mvhd, 16, 24, longest)
    return data[: moov_box.start] + moov.serialize()


def move_moov_first(data: bytes) -> bytes:
    """Put ``moov`` before the media data (like ``movflags=faststart``), fixing chunk offsets."""
    top = list(_strict_boxes(data))
    moov_box = next(b for b in top if b.type == "moov")
    insert_at = next(b for b in top if b.type in ("mdat", "free", "wide", "skip", "moov")).start
    if moov_box.start <= insert_at:
        return data
    moov = _parse(data, moov_box)
    size = len(moov.serialize())
    for trak in moov.all("trak"):
        mdia = trak.find("mdia")
        minf = mdia.find("minf") if mdia else None
        stbl = minf.find("stbl") if minf else None
        if stbl is None:
            continue
        _set_chunk_offsets(stbl, [o + size for o in _chunk_offsets(stbl)])
    blob = moov.serialize()
    if len(blob) != size:  # an stco became co64: offsets moved again
        raise RuntimeError("moov grew while moving it; file too large for this helper")
    m_end = moov_box.end(len(data))
    return data[:insert_at] + blob + data[insert_at : moov_box.start] + data[m_end:]


def _rotation_matrix(clockwise: int) -> bytes:
    one, w = 0x10000, 0x40000000
    a, b, c, d = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}[
        clockwise % 360
    ]
    return struct.pack(">9i", a * one, b * one, 0, c * one, d * one, 0, 0, 0, w)


def patch_rotation(path: pathlib.Path, clockwise: int) -> None:
    """Write the display matrix into the video track's ``tkhd`` in place (for PyAV without
    ``set_display_rotation``). Translation terms are left at zero, as FFmpeg writes them."""
    data = path.read_bytes()
    out = bytearray(data)
    for moov in (b for b in _strict_boxes(data) if b.type == "moov"):
        for trak in _strict_boxes(data, moov.payload, moov.end(len(data))):
            if trak.type != "trak" or _handler(_parse(data, trak)) != b"vide":
                continue
            for tkhd in _strict_boxes(data, trak.payload, trak.end(len(data))):
                if tkhd.type == "tkhd":
                    at = tkhd.payload + (52 if data[tkhd.payload] == 1 else 40)
                    out[at : at + 36] = _rotation_matrix(clockwise)
    path.write_bytes(bytes(out))
