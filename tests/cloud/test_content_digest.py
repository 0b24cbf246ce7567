"""The content hash behind object keys: computed once per file per run, again when the file changes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from validator.cloud import storage


def test_digest_is_remembered_and_follows_changes(tmp_path: Path) -> None:
    path = tmp_path / "take.mp4"
    path.write_bytes(b"first take" * 1000)
    before = storage._digest.cache_info().misses
    first = storage.content_digest(path)
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    assert storage.content_digest(path) == first  # the planned requests, then the upload
    assert storage._digest.cache_info().misses == before + 1

    path.write_bytes(b"second take" * 1000)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert storage.content_digest(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first


def test_the_crc64_is_remembered_by_content_across_runs(tmp_path: Path) -> None:
    from validator.cloud import crcmemo
    from validator.crc64 import crc64_of_file

    cache = tmp_path / "cache"
    first = tmp_path / "take.mp4"
    first.write_bytes(os.urandom(300_000))
    before = crcmemo._crc64.cache_info().misses
    assert crcmemo.local_crc64(first, cache) == crc64_of_file(first)
    assert crcmemo._crc64.cache_info().misses == before + 1

    copy = tmp_path / "copy-of-take.mp4"  # another file identity (a later run), the same content
    copy.write_bytes(first.read_bytes())
    assert crcmemo.local_crc64(copy, cache) == crc64_of_file(first)
    assert crcmemo._crc64.cache_info().misses == before + 1  # no second pass over the bytes

    other = tmp_path / "other.mp4"
    other.write_bytes(os.urandom(300_000))
    entry = cache / "crc64" / storage.content_digest(other)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text("not a number\n")  # a damaged memo costs a pass, never a wrong answer
    assert crcmemo.local_crc64(other, cache) == crc64_of_file(other)
