"""The one MP4 box walk (``validator.probe.boxes``) that the probe, the fragment index, the sample
generator, the fuzzer and the bench share: sizes of 0 and 1, truncated boxes, bad headers, limits."""

from __future__ import annotations

import struct

from validator.probe.boxes import Box, boxes_in, iter_boxes


def box(kind: bytes, body: bytes = b"", size: int | None = None) -> bytes:
    return struct.pack(">I4s", 8 + len(body) if size is None else size, kind) + body


def test_boxes_laid_end_to_end_with_a_64_bit_size() -> None:
    wide = struct.pack(">I4sQ", 1, b"mdat", 16 + 4) + b"abcd"
    data = box(b"ftyp", b"isom") + wide + box(b"moov")
    found = list(boxes_in(data))
    assert [(b.type, b.start, b.header, b.size) for b in found] == [
        ("ftyp", 0, 8, 12),
        ("mdat", 12, 16, 20),
        ("moov", 32, 8, 8),
    ]
    assert found[1].payload == 28 and found[1].end(len(data)) == 32


def test_a_size_of_zero_runs_to_the_end_of_the_range_or_of_the_file() -> None:
    data = box(b"moov") + box(b"mdat", b"x" * 10, size=0)
    inside = list(boxes_in(data))
    assert inside[-1] == Box("mdat", 8, 8, 18)

    def read(offset: int, length: int) -> bytes:
        return data[offset : offset + length]

    at_eof = list(iter_boxes(read, 0, len(data), eof=True))
    assert at_eof[-1] == Box("mdat", 8, 8, None)
    assert at_eof[-1].end(len(data)) == len(data)


def test_a_box_running_past_the_end_is_the_last_one_seen() -> None:
    data = box(b"moov", b"x" * 8) + box(b"mdat", b"y" * 4, size=1000) + box(b"free")
    found = list(boxes_in(data))
    assert [b.type for b in found] == ["moov", "mdat"]
    assert found[-1].end(len(data)) > len(data)


def test_the_walk_stops_at_a_header_that_does_not_parse_and_after_most_boxes() -> None:
    data = box(b"moov") + box(b"junk", size=3) + box(b"free")
    assert [b.type for b in boxes_in(data)] == ["moov"]
    many = box(b"free") * 10
    assert len(list(boxes_in(many, most=4))) == 4
    assert list(boxes_in(box(b"moov")[:7])) == []  # fewer than 8 bytes: no header at all
