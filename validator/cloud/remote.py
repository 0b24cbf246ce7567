"""Random access to a video that is already in the cloud, for :func:`validator.probe.probe_source`.

The probe reads headers only (the MP4 index, the EBML head, the first packets), so a remote file is
checked with a handful of HTTP Range requests instead of a download. Two sources: an OSS object read
with signed ranged GetObject calls (private buckets, the sandbox), and a plain https URL read with
``http.client`` (https only, plain http on loopback only; explicit timeout, keep-alive, redirects
followed only on the same host, scheme and port; no URL with credentials in it). Both count
requests and bytes, which the report shows.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

from validator.cloud.errors import CloudError, RemoteReadError
from validator.cloud.storage import ObjectStore

MAX_REDIRECTS = 3
READ_AHEAD = 16 * 1024
"""Bytes fetched past each read the probe's cache cannot serve. Against the local probe's bytes
(6 generated test takes and the 7 bench files, 1.6 to 790 MB): 32 KiB read up to 1.64x on a small
fragmented MP4, whose header is 25 KB; 16 KiB reads at most 1.00x, in at most 9 requests (12 for
a fragmented file), the size lookup included; 8 KiB saves nothing more and costs a request."""


@dataclass(frozen=True)
class RemoteRead:
    """What checking a remote file cost."""

    location: str
    size: int
    requests: int
    """Range requests made (the size lookup included)."""
    bytes_read: int
    """Body bytes received."""


class _Counted:
    """Shared counters (the probe may read from several threads), and the first failure.

    The probe's reader treats ``OSError`` as "stop reading"; a failed request is raised as one, and
    the real error is kept in :attr:`error` so the caller can report the cloud's failure as such
    rather than as an unreadable file.
    """

    read_ahead = READ_AHEAD
    """Read by :class:`validator.probe.reader.CachingReader`."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes_read = 0
        self.error: Exception | None = None
        self._lock = threading.Lock()

    def _failed(self, exc: Exception) -> OSError:
        if self.error is None:
            self.error = exc
        return OSError(str(exc))

    def count(self, received: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes_read += received


class ObjectRangeSource(_Counted):
    """An OSS object through :meth:`ObjectStore.read_range`; its size from HeadObject, unless a
    listing gave it (``size``): a request in four, for the objects under a prefix."""

    def __init__(self, store: ObjectStore, bucket: str, key: str, size: int | None = None) -> None:
        super().__init__()
        self._store, self._bucket, self._key = store, bucket, key
        if size is None:
            info = store.head(key, bucket)
            self.requests += 1
            if info is None:
                raise RemoteReadError(f"oss://{bucket}/{key} does not exist")
            size = info.size
        self.size = size

    def read_at(self, offset: int, length: int) -> bytes:
        length = min(length, self.size - offset)
        if offset < 0 or length <= 0:
            return b""
        try:
            data = self._store.read_range(self._bucket, self._key, offset, length)
        except (CloudError, RemoteReadError) as exc:
            raise self._failed(exc) from exc
        self.count(len(data))
        return data

    def close(self) -> None:
        """Nothing to release: the store owns its connections."""

    def summary(self) -> RemoteRead:
        return RemoteRead(f"oss://{self._bucket}/{self._key}", self.size, self.requests, self.bytes_read)


class HttpRangeSource(_Counted):
    """An http(s) URL read with ``Range: bytes=A-B`` over one kept-alive connection."""

    def __init__(self, url: str, *, timeout: float = 20.0) -> None:
        super().__init__()
        check_url(url)
        self.url = url
        self._timeout = timeout
        self._lock_conn = threading.Lock()
        self._conn: http.client.HTTPConnection | None = None
        self.size = 0
        _, total = self._get(0, 0)
        if total is None:
            raise RemoteReadError(f"{_safe(url)} did not state its size (no Content-Range)")
        self.size = total

    def read_at(self, offset: int, length: int) -> bytes:
        length = min(length, self.size - offset)
        if offset < 0 or length <= 0:
            return b""
        try:
            data, _ = self._get(offset, offset + length - 1)
        except RemoteReadError as exc:
            raise self._failed(exc) from exc
        return data

    def close(self) -> None:
        with self._lock_conn:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def summary(self) -> RemoteRead:
        return RemoteRead(_safe(self.url), self.size, self.requests, self.bytes_read)

    def _get(self, first: int, last: int) -> tuple[bytes, int | None]:
        url = self.url
        with self._lock_conn:
            for _ in range(MAX_REDIRECTS + 1):
                conn = self._connection(url)
                parts = urlsplit(url)
                target = parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
                try:
                    conn.request(
                        "GET",
                        target,
                        headers={"Range": f"bytes={first}-{last}", "Accept-Encoding": "identity"},
                    )
                    response = conn.getresponse()
                    if response.status in (301, 302, 303, 307, 308):
                        response.read()
                        location = urljoin(url, response.getheader("Location") or "")
                        if _origin(location) != _origin(self.url):
                            raise RemoteReadError(
                                f"{_safe(self.url)} redirects to another host "
                                f"({urlsplit(location).hostname}); refusing to follow"
                            )
                        check_url(location)
                        url = location
                        continue
                    if response.status == 416:
                        response.read()
                        self.count(0)
                        return b"", _total(response.getheader("Content-Range"))
                    if response.status != 206:
                        conn.close()  # never read a whole file we asked a range of
                        self._conn = None
                        reason = (
                            "the server ignores Range requests"
                            if response.status == 200
                            else f"HTTP {response.status} {response.reason}"
                        )
                        raise RemoteReadError(f"cannot read {_safe(self.url)}: {reason}")
                    data = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    if self._conn is not None:
                        self._conn.close()
                        self._conn = None
                    raise RemoteReadError(
                        f"cannot read {_safe(self.url)}: {type(exc).__name__}: {exc}"
                    ) from exc
                self.count(len(data))
                self.url = url  # a same-host redirect is remembered for the next ranges
                return data, _total(response.getheader("Content-Range"))
        raise RemoteReadError(f"{_safe(self.url)}: too many redirects")

    def _connection(self, url: str) -> http.client.HTTPConnection:
        parts = urlsplit(url)
        if self._conn is not None and (self._conn.host, self._conn.port) == (parts.hostname, _port(parts)):
            return self._conn
        if self._conn is not None:
            self._conn.close()
        if parts.scheme == "https":
            self._conn = http.client.HTTPSConnection(
                parts.hostname or "", _port(parts), timeout=self._timeout
            )
        elif parts.scheme == "http":
            self._conn = http.client.HTTPConnection(parts.hostname or "", _port(parts), timeout=self._timeout)
        else:
            raise RemoteReadError(f"unsupported URL scheme {parts.scheme!r}")
        return self._conn


def check_url(url: str) -> None:
    """Refuse what a media URL must never be: anything but https (plain http only on loopback, the
    sandbox), or a URL carrying credentials. Raises :class:`RemoteReadError`."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise RemoteReadError("refusing a media URL that carries a user name or password")
    loopback = (parts.hostname or "") in ("127.0.0.1", "::1", "localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise RemoteReadError(f"refusing to read {_safe(url)}: media is read over https only")


def _port(parts: SplitResult) -> int:
    if parts.port:
        return parts.port
    return 443 if parts.scheme == "https" else 80


def _origin(url: str) -> tuple[str, str | None, int]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, _port(parts)


def _total(content_range: str | None) -> int | None:
    """The ``/TOTAL`` of ``bytes A-B/TOTAL`` (or ``bytes */TOTAL``)."""
    if not content_range or "/" not in content_range:
        return None
    total = content_range.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _safe(url: str) -> str:
    """The URL without its query (a presigned URL carries a signature there) or credentials."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}"
