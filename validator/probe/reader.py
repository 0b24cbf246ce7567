"""A caching, byte-counting reader that FFmpeg and our own box parsers share.

FFmpeg reads the index (``moov``, EBML head) through this object, and our parsers then walk the same
structures from the cache instead of reading the file twice. ``bytes_fetched`` is what actually came
from the source: the probe's "bytes read" figure. The source is anything with ``size`` and
``read_at``: a local file here, an HTTP Range reader for remote files.

The cache holds the extents fetched so far, never overlapping. A read is served from them, and only
its gaps are fetched, with the source's ``read_ahead`` more: 32 KiB from a remote file, where every
request is a round trip, a page from a local one. FFmpeg's reads of a local file that the cache does
not already hold pass straight through, uncached: a ``pread`` is cheap, and holding every read (fresh
memory each time) cost a fifth of a small file's probe.
"""

from __future__ import annotations

import math
import os
import stat
import time
from bisect import bisect_right, insort
from dataclasses import dataclass
from typing import Protocol

AVSEEK_SIZE = 0x10000
"""FFmpeg's "tell me the size" seek flag, passed through PyAV's file-object bridge."""

READ_AHEAD = 32 * 1024
"""What a source that does not say is worth fetching beyond each read (see ``Source``)."""
MAX_CACHED_BYTES = 32 * 1024 * 1024  # more than any index we read, bounded for hostile files
MAX_PREFETCH = 16 * 1024 * 1024


class Source(Protocol):
    """Random access to the bytes of one file.

    A source may also say ``local = True`` (reads are cheap system calls, not requests) and its
    ``read_ahead``: bytes worth fetching past what a read asks for (default :data:`READ_AHEAD`).
    """

    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


class FileSource:
    """A local file, read with ``pread`` so concurrent readers never share a file position."""

    local = True
    read_ahead = 4096

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


@dataclass(frozen=True, slots=True)
class Limits:
    """How far one probe may go before it gives up on a file."""

    seconds: float = 15.0
    """Wall-clock time for the whole probe, decoding included."""
    max_bytes: int = 256 * 1024 * 1024
    """Bytes fetched from the source (headers are a few MB even for hour-long files)."""
    max_tracks: int = 32
    """Tracks in the container (a training take has one video and one audio track)."""
    max_index_bytes: int = 64 * 1024 * 1024
    """Bytes of the MP4/MOV index (``moov``): a 15-minute take's is 1-3 MB."""
    max_samples: int = 1_000_000
    """Samples in the MP4/MOV sample tables, all tracks together: FFmpeg holds some 45 bytes and
    1.5 us of work for each (4 million: 6 s, 190 MB); a 15-minute take at 60 fps has about 100,000
    with its audio, and a million is 2.5 hours of it."""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.seconds) and self.seconds >= 0):  # 0: give up at the first read
            raise ValueError(f"a probe's time limit must be a finite number of seconds, not {self.seconds}")


DEFAULT_LIMITS = Limits()


class CachingReader:
    """File-like view of a :class:`Source` with a block cache, a fetched-bytes counter and limits.

    FFmpeg calls ``read`` through PyAV's C bridge, where a Python exception is stashed and a second
    one prints a traceback. So past a limit, or on an I/O error, the reader records why in
    :attr:`stopped` and answers end-of-file; the probe turns that into its error afterwards.
    """

    def __init__(self, source: Source, limits: Limits | None = None) -> None:
        self.source = source
        self.size = source.size
        self.local: bool = getattr(source, "local", False)
        self.read_ahead: int = getattr(source, "read_ahead", READ_AHEAD)
        self.bytes_fetched = 0
        self.limits = limits or DEFAULT_LIMITS
        self.deadline = time.monotonic() + self.limits.seconds
        self.stopped: str | None = None
        self.visible = source.size
        """The size FFmpeg is shown; our own parsers always see the whole file (``size``)."""
        self._pos = 0
        self._starts: list[int] = []
        """Offsets of the cached extents, sorted; ``_extents`` maps each to its bytes."""
        self._extents: dict[int, bytes] = {}
        self._cached = 0

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
        return data

    # -- random access for our own parsers -------------------------------------------------------
    def read_at(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset`` (fewer at end of file)."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and length > 0:  # held already (our parsers' reads, nearly always): one slice
            start = self._starts[i]
            data = self._extents[start]
            if offset + length <= start + len(data):
                return data[offset - start : offset - start + length]
        return self._read(offset, length, self.size)

    def _read(self, offset: int, length: int, limit: int) -> bytes:
        """:meth:`read_at`, reading ahead no further than ``limit``."""
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        end = min(offset + length, self.size)
        start, data = self._extent_at(offset, end, limit)
        if end <= start + len(data):  # one extent holds it all: nearly every read
            if start == offset and end - start == len(data):
                return data  # the whole extent, as fetched: no copy
            return data[offset - start : end - start]
        if not data:
            return data  # stopped
        pieces = [memoryview(data)[offset - start :]]
        at = start + len(data)
        while at < end:
            start, data = self._extent_at(at, end, limit)
            if not data:
                break  # stopped: what was read so far
            pieces.append(memoryview(data)[at - start : end - start])
            at = start + len(data)
        return b"".join(pieces)

    def _extent_at(self, at: int, end: int, limit: int) -> tuple[int, bytes]:
        """The cached extent holding ``at``, fetching the gap it lies in (up to ``end``, plus the
        source's read-ahead up to ``limit``, never into the next extent) when there is none."""
        i = bisect_right(self._starts, at) - 1
        if i >= 0:
            start = self._starts[i]
            data = self._extents[start]
            if at < start + len(data):
                return start, data
        stop = max(end, min(at + self.read_ahead, limit, self.size))
        if i + 1 < len(self._starts):
            stop = min(stop, self._starts[i + 1])
        return at, self._keep(at, self._fetch(at, stop - at))

    def _keep(self, start: int, data: bytes) -> bytes:
        if not data:
            return data  # stopped: never cache a short answer
        insort(self._starts, start)
        self._extents[start] = data
        self._cached += len(data)
        while self._cached > MAX_CACHED_BYTES and len(self._extents) > 1:
            oldest = next(iter(self._extents))  # dicts keep insertion order
            self._cached -= len(self._extents.pop(oldest))
            self._starts.remove(oldest)
        return data

    def prefetch(self, offset: int, length: int) -> None:
        """Fetch a range FFmpeg is about to read (an MP4 ``moov``) now, in as few reads as the cache
        allows: remotely this turns a dozen ranged GETs into one. A local source is left alone:
        FFmpeg's own reads cost no more, and holding a copy of the range would."""
        if not self.local:
            self.read_at(offset, min(length, MAX_PREFETCH))

    def read_uncached(self, offset: int, length: int) -> bytes:
        """Read without filling the cache: for a one-off look near the end of a file."""
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        return self._fetch(offset, min(length, self.size - offset))

    # -- the file protocol PyAV uses ----------------------------------------------------------------
    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or self._pos + n > self.visible:
            n = max(0, self.visible - self._pos)
        if not self.local or self._covered(self._pos, self._pos + n):
            data = self._read(self._pos, n, self.visible)  # no read-ahead past what FFmpeg may see
        else:  # local, and not read before: pass it through (holding it costs page faults, not reads)
            data = self._fetch(self._pos, n) if n > 0 else b""
        self._pos += len(data)
        return data

    def _covered(self, at: int, end: int) -> bool:
        """Whether the cache holds all of ``at .. end``."""
        i = bisect_right(self._starts, at) - 1
        while i >= 0 and at < end:
            start = self._starts[i]
            if start > at or at >= start + len(self._extents[start]):
                return False
            at = start + len(self._extents[start])
            i = i + 1 if i + 1 < len(self._starts) else -1
        return at >= end

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
        self._starts.clear()
        self._extents.clear()
        self._cached = 0
