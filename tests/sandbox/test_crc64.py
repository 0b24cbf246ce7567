"""CRC-64 combining: the sandbox assembles multipart objects without reading them again."""

from __future__ import annotations

import random

import pytest

from validator.crc64 import Crc64, combine


def crc(data: bytes) -> int:
    c = Crc64()
    c.update(data)
    return c.value


@pytest.mark.parametrize(("first", "second"), [(0, 7), (7, 0), (1, 1), (1000, 3333), (5 << 20, 12345)])
def test_combined_crc_equals_the_crc_of_the_concatenation(first: int, second: int) -> None:
    rng = random.Random(first * 31 + second)
    a, b = rng.randbytes(first), rng.randbytes(second)
    assert combine(crc(a), crc(b), len(b)) == crc(a + b)


def test_many_parts_fold_left() -> None:
    rng = random.Random(5)
    parts = [rng.randbytes(n) for n in (100_000, 100_000, 100_000, 4321)]
    folded = 0
    for part in parts:
        folded = combine(folded, crc(part), len(part))
    assert folded == crc(b"".join(parts))
