"""A block-caching, byte-counting reader that FFmpeg and our own box parsers share.

FFmpeg reads the index (``moov``, EBML head) through this object, and our parsers then walk the same
structures from the cache instead of reading the file twice. ``bytes_fetched`` is what actually came
from the source: the probe's "bytes read" figure. The source is anything with ``size`` and
``read_at``: a local file here, an HTTP Range reader for remote files.
"""

from __future__ import annotations

import os
import stat
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

AVSEEK_SIZE = 0x10000
"""FFmpeg's "tell me the size" seek flag, passed through PyAV's file-object bridge."""

BLOCK = 64 * 1024
MAX_CACHED_BLOCKS = 512  # 32 MiB: more than any index we read, bounded for hostile files
MAX_PREFETCH = 16 * 1024 * 1024


class Source(Protocol):
    """Random access to the bytes of one file."""

    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


class FileSource:
    """A local file, read with ``pread`` so concurrent readers never share a file position."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore the flag.
        self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(self._fd)
            if not stat.S_ISREG(info.st_mode):
                kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
                raise OSError(0, f"{kind}, not a video file")
            self.size = info.st_size
        except OSError:
            os.close(self._fd)
            raise

    def read_at(self, offset: int, length: int) -> bytes:
        return os.pread(self._fd, length, offset)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@dataclass(frozen=True)
class Limits:
    """How far one probe may go before it gives up on a file."""

    seconds: float = 15.0
    """Wall-clock time for the whole probe, decoding included."""
    max_bytes: int = 256 * 1024 * 1024
    """Bytes fetched from the source (headers are a few MB even for hour-long files)."""


class CachingReader:
    """File-like view of a :class:`Source` with a block cache, a fetched-bytes counter and limits.

    FFmpeg calls ``read`` through PyAV's C bridge, where a Python exception is stashed and a second
    one prints a traceback. So past a limit, or on an I/O error, the reader records why in
    :attr:`stopped` and answers end-of-file; the probe turns that into its error afterwards.
    """

    def __init__(self, source: Source, block: int = BLOCK, limits: Limits | None = None) -> None:
        self.source = source
        self.size = source.size
        self.block = block
        self.bytes_fetched = 0
        self.fetches = 0
        self.limits = limits or Limits()
        self.deadline = time.monotonic() + self.limits.seconds
        self.stopped: str | None = None
        self.visible = source.size
        """The size FFmpeg is shown; our own parsers always see the whole file (``size``)."""
        self._pos = 0
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    def check(self) -> bool:
        """Whether the probe may go on; records why not."""
        if self.stopped is None:
            if time.monotonic() > self.deadline:
                self.stopped = f"gave up after the {self.limits.seconds:g} s time limit"
            elif self.bytes_fetched > self.limits.max_bytes:
                self.stopped = f"gave up after reading {self.limits.max_bytes // (1024 * 1024)} MiB"
        return self.stopped is None

    def _fetch(self, offset: int, length: int) -> bytes:
        if not self.check():
            return b""
        try:
            data = self.source.read_at(offset, length)
        except OSError as exc:
            self.stopped = f"read error: {exc.strerror or exc}"
            return b""
        self.bytes_fetched += len(data)
        self.fetches += 1
        return data

    # -- random access for our own parsers -------------------------------------------------------
    def read_at(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset`` (fewer at end of file)."""
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        end = min(offset + length, self.size)
        first, last = offset // self.block, (end - 1) // self.block
        if first == last:
            data = self._block(first)
            start = offset - first * self.block
            return data[start : start + (end - offset)]
        parts = [self._block(i) for i in range(first, last + 1)]
        joined = b"".join(parts)
        start = offset - first * self.block
        return joined[start : start + (end - offset)]

    def prefetch(self, offset: int, length: int) -> None:
        """Fetch the blocks covering a range FFmpeg is about to read (an MP4 ``moov``) in one request.

        Locally this changes nothing but the number of reads; remotely it turns a dozen ranged GETs
        of 64 KiB into one.
        """
        end = min(offset + min(length, MAX_PREFETCH), self.size)
        if offset < 0 or end <= offset:
            return
        blocks = range(offset // self.block, (end - 1) // self.block + 1)
        missing = [i for i in blocks if i not in self._cache]
        if len(missing) < 2:
            return
        lo, hi = missing[0], missing[-1]
        data = self._fetch(lo * self.block, (hi - lo + 1) * self.block)
        for i in range(lo, hi + 1):
            chunk = data[(i - lo) * self.block : (i - lo + 1) * self.block]
            if chunk and i not in self._cache:
                self._cache[i] = chunk
        while len(self._cache) > MAX_CACHED_BLOCKS:
            self._cache.popitem(last=False)

    def read_uncached(self, offset: int, length: int) -> bytes:
        """Read without filling the cache: for a one-off look near the end of a file."""
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        return self._fetch(offset, min(length, self.size - offset))

    def _block(self, index: int) -> bytes:
        data = self._cache.get(index)
        if data is not None:
            self._cache.move_to_end(index)
            return data
        data = self._fetch(index * self.block, self.block)
        if not data:
            return data  # stopped: never cache a short answer
        self._cache[index] = data
        if len(self._cache) > MAX_CACHED_BLOCKS:
            self._cache.popitem(last=False)
        return data

    # -- the file protocol PyAV uses ----------------------------------------------------------------
    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or self._pos + n > self.visible:
            n = max(0, self.visible - self._pos)
        data = self.read_at(self._pos, n)
        self._pos += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence & AVSEEK_SIZE:
            return self.visible
        if whence == os.SEEK_SET:
            self._pos = offset
        elif whence == os.SEEK_CUR:
            self._pos += offset
        elif whence == os.SEEK_END:
            self._pos = self.visible + offset
        else:
            raise OSError(f"unsupported seek whence {whence}")
        if self._pos < 0:
            self._pos = 0
        return self._pos

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Called by PyAV when its container closes: keep the cache, our parsers still need it."""

    def release(self) -> None:
        """Close the source and drop the cache."""
        self.source.close()
        self._cache.clear()
