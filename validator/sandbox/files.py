"""Bodies on disk for the sandbox's object store: streamed to a temporary file while hashed, then
renamed into place, so a reader never sees half an object and memory does not grow with its size.

A part of a multipart upload can also be written at its place in a shared file (:func:`write_at`),
and parts are concatenated in the kernel where the system can (:func:`assemble`); what they make is
read back against the parts' CRCs before it is an object (:func:`matches`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from validator.crc64 import CHUNK, Crc64, crc64_of_file
from validator.sandbox.errors import OssError
from validator.sandbox.stored import PartMeta, Written

KernelCopy = Callable[[int, int, int, int], int]
"""``os.copy_file_range(src_fd, dst_fd, count, src_offset)``: bytes copied, or ``OSError``."""

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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        for chunk in chunks:
            if size + len(chunk) > declared:
                raise OssError(400, "IncompleteBody", "The request body is longer than its Content-Length.")
            md5.update(chunk)
            crc.update(chunk)
            view = memoryview(chunk)
            while view:
                done = _write_at(fd, view, offset + size)
                view = view[done:]
                size += done
    finally:
        os.close(fd)
    return Written(path, size, md5.digest(), crc.value, offset)


def assemble(parts: Sequence[PartMeta], tmp_dir: Path, kernel_copy: KernelCopy | None) -> Path:
    """Concatenate the parts into a new file in ``tmp_dir``: each from its own offset in its file,
    copied by ``kernel_copy`` (``os.copy_file_range``) where given and accepted, in user space where
    not. The caller checks the result (:func:`matches`) before it becomes an object."""
    tmp = tmp_dir / uuid.uuid4().hex
    try:
        with tmp.open("wb", buffering=0) as out:
            for part in parts:
                with part.path.open("rb", buffering=0) as src:
                    _copy(src.fileno(), out.fileno(), part.offset, part.size, kernel_copy)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def matches(path: Path, size: int, crc64: int) -> bool:
    """Whether the file holds ``size`` bytes whose CRC-64 is ``crc64``: the check that makes the CRC
    a complete reports the one of the bytes stored, not only the one the parts promised."""
    return path.stat().st_size == size and crc64_of_file(path) == crc64


def suffix_of(key: str) -> str:
    """Keep a plain extension on stored files: some probes look at it."""
    suffix = Path(key).suffix
    return suffix.lower() if _SAFE_SUFFIX.fullmatch(suffix) else ""


def _copy(src: int, dst: int, offset: int, size: int, kernel_copy: KernelCopy | None) -> None:
    """``size`` bytes of ``src`` from ``offset`` appended to ``dst``: in the kernel while it accepts,
    then in user space from where it stopped."""
    done = 0
    if kernel_copy is not None:
        try:
            while done < size:
                sent = kernel_copy(src, dst, size - done, offset + done)
                if sent == 0:
                    break
                done += sent
        except OSError:
            pass  # unsupported here (another file system, a sandbox's seccomp filter): finish below
    while done < size:
        data = _read_at(src, min(CHUNK, size - done), offset + done)
        if not data:
            raise OSError(errno.EIO, f"part file ends {size - done} bytes early")
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view):]
        done += len(data)


# Positioned reads and writes: pread/pwrite where the system has them (not Windows), else a seek on
# a descriptor of our own (each caller opens its own, so no other thread moves its position).


def _read_at(fd: int, count: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, count, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, count)


def _write_at(fd: int, data: memoryview, offset: int) -> int:
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)
