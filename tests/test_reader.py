"""The probe's reader: whatever mix of reads FFmpeg and our parsers make, the bytes are the file's, and
each byte is fetched once."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from validator.probe.reader import CachingReader, FileSource


class Counting:
    """A source over bytes in memory that records every fetch, local or remote in its manners."""

    def __init__(self, data: bytes, *, local: bool) -> None:
        self.data = data
        self.size = len(data)
        self.local = local
        self.read_ahead = 4096 if local else 32 * 1024
        self.fetches: list[tuple[int, int]] = []

    def read_at(self, offset: int, length: int) -> bytes:
        self.fetches.append((offset, length))
        return self.data[offset : offset + length]

    def close(self) -> None:
        pass


def _data(size: int) -> bytes:
    return random.Random(size).randbytes(size)


@pytest.mark.parametrize("local", [True, False])
def test_random_reads_return_the_files_bytes(local: bool) -> None:
    data = _data(900_000)
    reader = CachingReader(Counting(data, local=local))
    rnd = random.Random(7)
    for _ in range(3000):
        offset = rnd.randrange(-10, len(data) + 10)
        length = rnd.choice([1, 8, 16, 4096, 32768, 70000, rnd.randrange(0, 300_000)])
        if rnd.random() < 0.5:
            expected = data[offset : offset + length] if offset >= 0 and length > 0 else b""
            assert reader.read_at(offset, length) == expected
        else:
            reader.seek(max(0, offset))
            at = reader.tell()
            assert reader.read(length) == data[at : at + length]


@pytest.mark.parametrize("local", [True, False])
def test_our_parsers_never_fetch_a_byte_twice(local: bool) -> None:
    data = _data(300_000)
    source = Counting(data, local=local)
    reader = CachingReader(source)
    for offset, length in [(0, 64), (0, 16), (100, 8), (0, 65536), (40_000, 100_000), (0, 200_000)]:
        assert reader.read_at(offset, length) == data[offset : offset + length]
    assert reader.bytes_fetched == sum(len(data[o : o + n]) for o, n in source.fetches)
    covered = sorted(source.fetches)
    for (a, n), (b, _) in itertools.pairwise(covered):
        assert a + n <= b, "two fetches overlap"


def test_a_remote_source_is_read_ahead_and_prefetched_in_one_request() -> None:
    data = _data(2_000_000)
    source = Counting(data, local=False)
    reader = CachingReader(source)
    reader.prefetch(100_000, 500_000)
    assert source.fetches == [(100_000, 500_000)]
    reader.seek(100_000)
    while reader.tell() < 600_000:  # FFmpeg reading the prefetched index, 32 KiB at a time
        assert reader.read(min(32768, 600_000 - reader.tell()))
    assert len(source.fetches) == 1
    reader.read_at(700_000, 16)  # a box header: fetched with 32 KiB after it
    assert source.fetches[-1] == (700_000, 32 * 1024)


def test_a_local_file_passes_ffmpegs_new_reads_through(tmp_path: Path) -> None:
    path = tmp_path / "bytes.bin"
    path.write_bytes(_data(200_000))
    reader = CachingReader(FileSource(path))
    head = reader.read_at(0, 64)  # our sniff: cached, with a page of read-ahead
    assert reader.bytes_fetched == 4096
    reader.seek(0)
    assert reader.read(64) == head  # from the cache
    assert reader.bytes_fetched == 4096
    reader.seek(100_000)
    assert reader.read(32768) == path.read_bytes()[100_000:132_768]  # straight from the file
    assert reader.bytes_fetched == 4096 + 32768
    reader.release()
