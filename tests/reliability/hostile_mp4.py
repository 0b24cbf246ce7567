"""A small MP4 box writer for hostile files: many tracks, huge sample tables, written cheaply.

No frame is encoded: each track's sample tables describe samples that all point into one small
``mdat``, and the tables' entries are repeated bytes, so a 120 MB file takes a fraction of a second
to write. FFmpeg still reads, allocates and indexes every entry, which is what the limits are about.
"""

from __future__ import annotations

import struct
from pathlib import Path

MDAT_PAYLOAD = 4096


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


IDENTITY = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _tkhd(track_id: int, width: int, height: int) -> bytes:
    return full(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII8xhhh2x", 0, 0, track_id, 0, 1000, 0, 0, 0),
        IDENTITY,
        struct.pack(">II", width << 16, height << 16),
    )


def _stsd(width: int, height: int) -> bytes:
    entry = box(
        b"avc1",
        b"\0" * 6,
        struct.pack(">H", 1),
        b"\0" * 16,
        struct.pack(">HHIIIH", width, height, 0x480000, 0x480000, 0, 1),
        b"\0" * 32,
        struct.pack(">Hh", 24, -1),
    )
    return full(b"stsd", 0, 0, struct.pack(">I", 1), entry)


Piece = bytes | int
"""Bytes to write, or that many zero bytes (skipped over: the file stays sparse)."""


def trak(track_id: int, samples: int, mdat_offset: int) -> list[Piece]:
    """One video track of ``samples`` empty samples in one chunk at ``mdat_offset``: the ``stsz``
    table's ``4 * samples`` bytes are zeros, left as a hole in the file."""
    table = 4 * samples
    stsz_head = struct.pack(">I4sIII", 20 + table, b"stsz", 0, 0, samples)
    before = _stsd(64, 64) + full(b"stts", 0, 0, struct.pack(">III", 1, samples, 1))
    before += full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, samples, 1)) + stsz_head
    after = full(b"stco", 0, 0, struct.pack(">II", 1, mdat_offset))
    stbl = 8 + len(before) + table + len(after)
    dinf = box(b"dinf", full(b"dref", 0, 0, struct.pack(">I", 1), full(b"url ", 0, 1)))
    minf_head = full(b"vmhd", 0, 1, b"\0" * 8) + dinf
    minf = 8 + len(minf_head) + stbl
    mdhd = full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, 25, max(samples, 1), 0x55C4, 0))
    hdlr = full(b"hdlr", 0, 0, struct.pack(">I4s12x", 0, b"vide"), b"video\0")
    mdia = 8 + len(mdhd) + len(hdlr) + minf
    tkhd = _tkhd(track_id, 64, 64)
    total = 8 + len(tkhd) + mdia
    head = b"".join(
        (
            struct.pack(">I4s", total, b"trak"),
            tkhd,
            struct.pack(">I4s", mdia, b"mdia"),
            mdhd,
            hdlr,
            struct.pack(">I4s", minf, b"minf"),
            minf_head,
            struct.pack(">I4s", stbl, b"stbl"),
            before,
        )
    )
    return [head, table, after]


def _size(pieces: list[Piece]) -> int:
    return sum(p if isinstance(p, int) else len(p) for p in pieces)


def write(path: Path, tracks: int, samples: int) -> Path:
    """An MP4 with ``tracks`` video tracks of ``samples`` samples each (moov first, then mdat)."""
    ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2mp41")
    mvhd = full(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, 1000, 1000),
        struct.pack(">ih10x", 0x10000, 0x100),
        IDENTITY,
        b"\0" * 24,
        struct.pack(">I", tracks + 1),
    )
    one = _size(trak(1, samples, 0))
    moov_size = 8 + len(mvhd) + tracks * one
    mdat_offset = len(ftyp) + moov_size + 8
    with path.open("wb") as f:
        f.write(ftyp + struct.pack(">I4s", moov_size, b"moov") + mvhd)
        for track_id in range(1, tracks + 1):
            for piece in trak(track_id, samples, mdat_offset):
                if isinstance(piece, int):
                    f.seek(piece, 1)
                else:
                    f.write(piece)
        f.write(box(b"mdat", b"\1" * MDAT_PAYLOAD))
    return path
