"""CRC-64/ECMA-182 as OSS reports it in ``x-oss-hash-crc64ecma``: computed in chunks, and combined.

The uploader checks a multipart object against its parts with :func:`combine`; the sandbox computes
what it reports with the same code.

The table-driven C implementation in ``crcmod`` (a dependency of oss2) runs at several hundred MB/s;
objects are fed to it chunk by chunk as they stream to or from disk, never whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import crcmod

_crc: Callable[[bytes, int], int] = crcmod.mkCrcFun(
    0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True
)

CHUNK = 1 << 20
"""Bytes read per step when hashing a file."""


class Crc64:
    """A running CRC: feed it chunks, read :attr:`value`."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = _crc(data, self.value)


def crc64_of_file(path: Path) -> int:
    """The CRC of a whole file, read in :data:`CHUNK`-sized pieces."""
    crc = Crc64()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            crc.update(chunk)
    return crc.value


# -- combining: the CRC of A+B from crc(A), crc(B) and len(B), without reading either again -------------
# Appending n zero bytes to a message is a linear map on the CRC register over GF(2); the map for n
# bytes is built by repeated squaring of the one-bit map, so it costs log2(n) 64x64 products, and a
# multipart upload's parts mostly share one length, so each map is built once.

_POLY_REFLECTED = 0xC96C5795D7870F42


def _times(matrix: tuple[int, ...], vector: int) -> int:
    out, row = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[row]
        vector >>= 1
        row += 1
    return out


def _square(matrix: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_times(matrix, column) for column in matrix)


@functools.lru_cache(maxsize=64)
def _zeros(length: int) -> tuple[int, ...]:
    """The map that appends ``length`` zero bytes to the register."""
    one_bit = (_POLY_REFLECTED, *(1 << n for n in range(63)))
    step = _square(_square(_square(one_bit)))  # one zero byte
    result: tuple[int, ...] | None = None
    while length:
        if length & 1:
            result = step if result is None else tuple(_times(step, column) for column in result)
        length >>= 1
        if length:
            step = _square(step)
    return result or tuple(1 << n for n in range(64))


def combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC of the concatenation of A and B, given ``crc(A)``, ``crc(B)`` and ``len(B)``."""
    if length2 == 0:
        return crc1
    return _times(_zeros(length2), crc1) ^ crc2
