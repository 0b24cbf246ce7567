"""The local file's CRC-64, to prove that an object already at its content-hash key holds its bytes.

HeadObject reports the object's CRC-64 (``x-oss-hash-crc64ecma``); the file's own takes a pass over it
(about 100-500 MB/s with ``crcmod``'s C code, seconds for a take of several hundred MB). Each run
computes the file's SHA-256 anyway (it names the key), so the CRC-64 is remembered by SHA-256 under the
cache folder once known (from an upload, which oss2 verified, or from a pass): a later run that finds
the object proves it without reading the file again. Within a run it is remembered per file identity.
The memo is only ever a shortcut: an unreadable or missing entry means one more pass.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from validator.cloud.storage import content_digest


def local_crc64(path: Path, cache_dir: Path) -> int:
    """The file's CRC-64/ECMA-182, from the memo when its content was seen before."""
    entry = _entry(cache_dir, content_digest(path))
    try:
        return int(entry.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    info = path.stat()
    crc = _crc64(str(path.resolve()), info.st_size, info.st_mtime_ns)
    remember(path, crc, cache_dir)
    return crc


def remember(path: Path, crc: int, cache_dir: Path) -> None:
    """Keep ``crc`` as the CRC-64 of the file's content (written whole or not at all)."""
    entry = _entry(cache_dir, content_digest(path))
    temporary = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".crc-")
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"{crc}\n")
        os.replace(temporary, entry)
    except OSError:
        # A read-only or full cache only costs the next run one pass over the file.
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _entry(cache_dir: Path, digest: str) -> Path:
    return cache_dir / "crc64" / digest


@functools.lru_cache(maxsize=32)
def _crc64(path: str, size: int, mtime_ns: int) -> int:
    from validator.crc64 import crc64_of_file

    return crc64_of_file(Path(path))
