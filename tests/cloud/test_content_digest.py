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
