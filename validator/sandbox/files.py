"""Bodies on disk for the sandbox's object store: streamed to a temporary file while hashed, then
renamed into place, so a reader never sees half an object and memory does not grow with its size.

A part of a multipart upload can also be written at its place in a shared file (:func:`write_at`),
and parts are concatenated in the kernel where the system can (:func:`assemble`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from validator.crc64 import CHUNK, Crc64, combine
from validator.sandbox.errors import OssError
from validator.sandbox.stored import PartMeta, Written

_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


def write(chunks: Iterable[bytes], tmp_dir: Path, folder: Path, suffix: str, max_bytes: int) -> Written:
    """The body in a new file under ``folder``, refused past ``max_bytes`` (``EntityTooLarge``)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / uuid.uuid4().hex
    md5 = hashlib.md5()
    crc = Crc64()
    size = 0
    try:
        with tmp.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise OssError(
                        400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."
                    )
                md5.update(chunk)
                crc.update(chunk)
                fh.write(chunk)
        final = folder / (uuid.uuid4().hex + suffix)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Written(final, size, md5.digest(), crc.value)


def write_at(chunks: Iterable[bytes], path: Path, offset: int, declared: int) -> Written:
    """Write a part into a layout file at ``offset``, hashing on the way (never past its declared
    length: its neighbour starts there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    md5 = hashlib.md5()
    crc = Crc64()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in chunks:
            if size + len(chunk) > declared:
                raise OssError(400, "IncompleteBody", "The request body is longer than its Content-Length.")
            md5.update(chunk)
            crc.update(chunk)
            view = memoryview(chunk)
            while view:
                done = os.pwrite(fd, view, offset + size)
                view = view[done:]
                size += done
    finally:
        os.close(fd)
    return Written(path, size, md5.digest(), crc.value, offset)


def assemble(parts: Sequence[PartMeta], tmp_dir: Path, folder: Path, suffix: str) -> Written:
    """Concatenate part files into one object file: copied by the kernel, not through Python, and
    the object's CRC combined from the parts' CRCs instead of reading hundreds of MB again."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / uuid.uuid4().hex
    crc, size = 0, 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.path.open("rb") as src:
                    src.seek(part.offset)
                    _copy(src, out, part.size)
                crc = combine(crc, part.crc64, part.size)
                size += part.size
        final = folder / (uuid.uuid4().hex + suffix)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Written(final, size, b"", crc)


def suffix_of(key: str) -> str:
    """Keep a plain extension on stored files: some probes look at it."""
    suffix = Path(key).suffix
    return suffix.lower() if _SAFE_SUFFIX.fullmatch(suffix) else ""


def _copy(src: BinaryIO, dst: BinaryIO, size: int) -> None:
    """``size`` bytes from one file to the end of another; in the kernel where the system can."""
    copy_range = getattr(os, "copy_file_range", None)
    done = 0
    if copy_range is not None:
        try:
            while done < size:
                sent = copy_range(src.fileno(), dst.fileno(), size - done)
                if sent == 0:
                    break
                done += sent
        except OSError:
            pass  # a file system without it: finish in user space from where the kernel stopped
    if done < size:
        src.seek(done)
        dst.seek(0, os.SEEK_END)
        shutil.copyfileobj(src, dst, CHUNK)
