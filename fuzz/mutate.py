"""Mutations of valid media: blind ones (truncation, bit flips) and structure-aware ones that walk the
MP4 boxes or EBML elements to splice, drop and swap them, and to plant absurd sizes and values.

Every mutation is a pure function of its input bytes and a seeded ``random.Random``.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from itertools import takewhile

from validator.probe.boxes import Box, boxes_in
from validator.probe.ebml import read_vint

Mutation = Callable[[bytes, random.Random], bytes]

# EBML ids whose elements are worth attacking (as they appear on disk, marker bits kept).
_EBML_TARGETS = {
    b"\x18\x53\x80\x67": "Segment",
    b"\x15\x49\xa9\x66": "Info",
    b"\x16\x54\xae\x6b": "Tracks",
    b"\xae": "TrackEntry",
    b"\x1f\x43\xb6\x75": "Cluster",
    b"\x44\x89": "Duration",
    b"\xb0": "PixelWidth",
    b"\xba": "PixelHeight",
    b"\x2a\xd7\xb1": "TimestampScale",
    b"\x53\xc0": "AlphaMode",
    b"\x23\xe3\x83": "DefaultDuration",
    b"\xe7": "Timestamp",
}


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> list[Box]:
    """The boxes between ``start`` and ``end`` (at most 256), stopping at nonsense."""
    end = len(data) if end is None else end
    return list(takewhile(lambda box: box.end(end) <= end, boxes_in(data, start, end, most=256)))


def _span(box: Box, data: bytes) -> tuple[int, int]:
    """(offset, size) of a box, header included."""
    return box.start, box.end(len(data)) - box.start


def _all_boxes(data: bytes) -> list[Box]:
    """Top-level boxes plus the children of the containers worth descending into."""
    found = _boxes(data)
    for box in list(found):
        if box.type in ("moov", "trak", "mdia", "minf", "stbl", "moof", "traf", "mvex"):
            found.extend(_boxes(data, box.payload, box.end(len(data))))
    for box in list(found):
        if box.type in ("trak", "mdia", "minf", "stbl"):
            found.extend(_boxes(data, box.payload, box.end(len(data))))
    return found


def _ebml_elements(data: bytes, limit: int = 256 * 1024) -> list[tuple[int, int, int]]:
    """(offset, id length, size-field length) of the interesting elements in the file's head and tail."""
    out: list[tuple[int, int, int]] = []
    regions = [(0, min(len(data), limit)), (max(0, len(data) - limit), len(data))]
    for lo, hi in regions:
        for marker in _EBML_TARGETS:
            pos = data.find(marker, lo, hi)
            while pos >= 0 and len(out) < 512:
                size = read_vint(data, pos + len(marker))
                if size is not None:
                    out.append((pos, len(marker), size[1]))
                pos = data.find(marker, pos + 1, hi)
    return out


# -- blind mutations ------------------------------------------------------------------------------------


def truncate(data: bytes, rng: random.Random) -> bytes:
    head_biased = rng.random() < 0.6
    cut = rng.randrange(0, min(len(data), 65536) if head_biased else len(data)) if data else 0
    return data[:cut]


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    window = min(len(out), 65536) if rng.random() < 0.7 else len(out)
    for _ in range(rng.randint(1, 16)):
        pos = rng.randrange(window)
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def overwrite_run(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    pos = rng.randrange(len(out))
    length = min(rng.randint(1, 256), len(out) - pos)
    fill = rng.choice([b"\x00", b"\xff", None])
    out[pos : pos + length] = (fill * length) if fill else rng.randbytes(length)
    return bytes(out)


def insert_junk(data: bytes, rng: random.Random) -> bytes:
    pos = rng.randrange(len(data) + 1)
    return data[:pos] + rng.randbytes(rng.randint(1, 512)) + data[pos:]


# -- MP4/MOV box mutations ---------------------------------------------------------------------------------


def box_absurd_size(data: bytes, rng: random.Random) -> bytes:
    boxes = _all_boxes(data)
    if not boxes:
        return bit_flips(data, rng)
    offset = rng.choice(boxes).start
    out = bytearray(data)
    choice = rng.randrange(4)
    if choice == 0:  # a 64-bit size of 2**63
        out[offset : offset + 4] = struct.pack(">I", 1)
        out[offset + 8 : offset + 16] = struct.pack(">Q", 1 << 63)
    elif choice == 1:
        out[offset : offset + 4] = struct.pack(">I", 0xFFFFFFFF)
    elif choice == 2:
        out[offset : offset + 4] = struct.pack(">I", rng.randrange(0, 8))  # smaller than a header
    else:
        out[offset : offset + 4] = struct.pack(">I", 0)  # "to the end of the file", mid-file
    return bytes(out[: len(data)])


def box_splice(data: bytes, rng: random.Random) -> bytes:
    boxes = _all_boxes(data)
    if len(boxes) < 2:
        return insert_junk(data, rng)
    (a_off, a_size), (b_off, b_size) = sorted(_span(box, data) for box in rng.sample(boxes, 2))
    a, b = data[a_off : a_off + a_size], data[b_off : b_off + b_size]
    op = rng.randrange(3)
    if op == 0:  # duplicate a box in front of another
        return data[:b_off] + a + data[b_off:]
    if op == 1:  # drop a box
        return data[:a_off] + data[a_off + a_size :]
    if a_off + a_size <= b_off:  # swap two disjoint boxes
        return data[:a_off] + b + data[a_off + a_size : b_off] + a + data[b_off + b_size :]
    return data[:a_off] + data[a_off + a_size :]


def box_absurd_values(data: bytes, rng: random.Random) -> bytes:
    """Frame sizes of 65535 (the most a sample entry holds), durations of years, zero timescales."""
    out = bytearray(data)
    for box in _all_boxes(data):
        (_, size), body, kind = _span(box, data), box.payload, box.type
        if kind in ("mvhd", "mdhd") and size >= 32 and data[body] == 0:
            if rng.random() < 0.5:
                out[body + 12 : body + 16] = struct.pack(">I", rng.choice([0, 1]))  # timescale
            out[body + 16 : body + 20] = struct.pack(">I", 0xFFFFFFF0)  # duration: years, or 136 y at 1 Hz
        elif kind == "tkhd" and size >= 92 and data[body] == 0:
            out[body + 76 : body + 84] = struct.pack(">II", 100000 << 16 & 0xFFFFFFFF, 0xFFFF0000)
        elif kind == "stsd" and size >= 52:
            entry = body + 8
            out[entry + 32 : entry + 36] = struct.pack(">HH", 0xFFFF, 0xFFFF)  # width, height
    return bytes(out)


# -- Matroska/WebM element mutations -----------------------------------------------------------------------


def ebml_absurd_size(data: bytes, rng: random.Random) -> bytes:
    elements = _ebml_elements(data)
    if not elements:
        return bit_flips(data, rng)
    offset, id_len, size_len = rng.choice(elements)
    start = offset + id_len
    out = bytearray(data)
    if rng.random() < 0.5:  # the largest value the field's length can hold (or "unknown")
        value = (1 << (7 * size_len)) - 1 - rng.randrange(2)
    else:
        value = rng.randrange(0, 1 << (7 * size_len))
    marker = 1 << (8 * size_len - size_len)
    out[start : start + size_len] = (marker | value).to_bytes(size_len, "big")
    return bytes(out)


def ebml_absurd_values(data: bytes, rng: random.Random) -> bytes:
    """Width and height of all ones, a Duration of years, a zero TimestampScale."""
    out = bytearray(data)
    for offset, id_len, size_len in _ebml_elements(data):
        marker = bytes(data[offset : offset + id_len])
        size = read_vint(data, offset + id_len)
        if size is None or size[0] < 0:
            continue
        value_at, length = offset + id_len + size_len, size[0]
        name = _EBML_TARGETS.get(marker)
        if name in ("PixelWidth", "PixelHeight") and 1 <= length <= 8:
            out[value_at : value_at + length] = b"\xff" * length
        elif name == "Duration" and length in (4, 8):
            out[value_at : value_at + length] = struct.pack(">d" if length == 8 else ">f", 3.2e13)
        elif name == "TimestampScale" and rng.random() < 0.5 and 1 <= length <= 8:
            out[value_at : value_at + length] = bytes(length)
    return bytes(out)


def ebml_splice(data: bytes, rng: random.Random) -> bytes:
    elements = _ebml_elements(data)
    if len(elements) < 2:
        return insert_junk(data, rng)
    a, b = sorted(rng.sample(elements, 2))
    size = read_vint(data, a[0] + a[1])
    if size is None or size[0] < 0:
        return data[: b[0]] + data[a[0] : b[0]] + data[b[0] :]
    a_end = min(len(data), a[0] + a[1] + a[2] + size[0])
    chunk = data[a[0] : a_end]
    if rng.random() < 0.5:
        return data[: b[0]] + chunk + data[b[0] :]  # duplicate
    return data[: a[0]] + data[a_end:]  # drop


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "bit_flips": bit_flips,
    "overwrite_run": overwrite_run,
    "insert_junk": insert_junk,
    "box_absurd_size": box_absurd_size,
    "box_splice": box_splice,
    "box_absurd_values": box_absurd_values,
    "ebml_absurd_size": ebml_absurd_size,
    "ebml_absurd_values": ebml_absurd_values,
    "ebml_splice": ebml_splice,
}


def not_video(rng: random.Random) -> bytes:
    """Files that are not video at all, some dressed up as the start of one."""
    kind = rng.randrange(8)
    if kind == 0:
        return b""
    if kind == 1:
        return rng.randbytes(rng.randint(1, 4096))
    if kind == 2:
        return ("not a video\n" * rng.randint(1, 500)).encode()
    if kind == 3:
        return b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(0, 512))
    if kind == 4:
        return b"PK\x03\x04" + rng.randbytes(rng.randint(0, 512))
    if kind == 5:  # an ftyp box and nothing else, or a box claiming 2**63 bytes
        ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
        huge = struct.pack(">I4sQ", 1, b"mdat", 1 << 63)
        return ftyp + (huge if rng.random() < 0.5 else b"")
    if kind == 6:  # an EBML header claiming to be WebM, then noise
        return b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm" + rng.randbytes(rng.randint(0, 1024))
    return b"\x00" * rng.randint(1, 100000)
