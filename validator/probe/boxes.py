"""The one walk over ISO base media (MP4/MOV) boxes, for every reader of them: the probe's layout walk
and fragment index, and the tools (the sample generator, the fuzzer, the bench corpus).

A box starts with a 32-bit size and a four-character type; a size of 1 means a 64-bit size follows,
and a size of 0 means "to the end of the file" (ISO/IEC 14496-12, 4.2). The walk reads 16 bytes a box
through a ``read(offset, length)`` callable, so each caller decides where the bytes come from (the
probe's cached reader, an uncached one-off read, a file, bytes in memory) and no byte is read twice.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Read = Callable[[int, int], bytes]
"""``read(offset, length)``: up to ``length`` bytes at ``offset`` (fewer at the end of the data)."""

HEADER_BYTES = 16
"""What is read for each box: the largest header (size, type, 64-bit size)."""


@dataclass(frozen=True, slots=True)
class Box:
    """Where one box lies: its header, as read."""

    type: str
    """The four-character type, decoded as Latin-1 (``moov``, ``mdat``...)."""
    start: int
    """Offset of the box (its size field)."""
    header: int
    """Bytes of header: 8, or 16 with a 64-bit size."""
    size: int | None
    """Bytes of the whole box, header included; ``None``: its size field is 0 and the range walked
    ends at the end of the file, so the box runs to there."""

    @property
    def payload(self) -> int:
        """Offset of the box's content, past the header."""
        return self.start + self.header

    def end(self, file_size: int) -> int:
        """Offset just past the box (a box without a size runs to ``file_size``)."""
        return file_size if self.size is None else self.start + self.size


def parse_header(head: bytes, offset: int, end: int, *, eof: bool = False) -> Box | None:
    """The box whose header ``head`` holds (read at ``offset``) in a range that ends at ``end``.

    ``None`` when ``head`` is too short for the header or the size is smaller than the header. A
    size field of 0 gives the rest of the range, or ``size=None`` with ``eof`` (``end`` is the end of
    the file: the box runs to it however long the file turns out to be).
    """
    if len(head) < 8:
        return None
    size, raw_type = struct.unpack_from(">I4s", head)
    header = 8
    total: int | None = size
    if size == 1:
        if len(head) < 16:
            return None
        total = struct.unpack_from(">Q", head, 8)[0]
        header = 16
    elif size == 0:
        total = None if eof else end - offset
    if total is not None and total < header:
        return None
    return Box(raw_type.decode("latin-1"), offset, header, total)


def iter_boxes(
    read: Read, start: int, end: int, *, eof: bool = False, most: int | None = None
) -> Iterator[Box]:
    """The boxes laid end to end from ``start`` within ``end``, at most ``most`` of them.

    Stops where fewer than 8 bytes are left, at a header that does not parse, and after a box that
    runs past ``end`` or has no size (both are yielded: a caller may still want a truncated box).
    A caller tells those apart by where the last box it saw ends (:meth:`Box.end`).
    """
    offset, count = start, 0
    while offset + 8 <= end and count != most:
        box = parse_header(read(offset, HEADER_BYTES), offset, end, eof=eof)
        if box is None:
            return
        yield box
        count += 1
        if box.size is None:
            return
        offset += box.size
        if offset > end:
            return


def boxes_in(
    data: bytes, start: int = 0, end: int | None = None, *, most: int | None = None
) -> Iterator[Box]:
    """:func:`iter_boxes` over bytes in memory (``end`` defaults to their length)."""

    def read(offset: int, length: int) -> bytes:
        return data[offset : offset + length]

    return iter_boxes(read, start, len(data) if end is None else end, most=most)
