"""CRC-64/ECMA-182 as OSS reports it in ``x-oss-hash-crc64ecma``, computed in chunks.

The table-driven C implementation in ``crcmod`` (a dependency of oss2) runs at several hundred MB/s;
objects are fed to it chunk by chunk as they stream to or from disk, never whole.
"""

from __future__ import annotations

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
