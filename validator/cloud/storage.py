"""OSS behind a small interface: content-addressed, resumable, CRC-checked uploads and ranged reads.

The object key holds a hash of the content (``PREFIX + sha256[:32] + .ext``), so the same file always
lands on the same key and a second run finds it there instead of uploading it again, once the object's
CRC-64 proves it holds the local file's bytes (a key is only a name: anyone with write access to the
bucket can put other bytes of the same size there). Uploads go
through ``oss2.resumable_upload``: several threads, CRC-64 verified against the server's, and a
checkpoint under the cache folder, so a run started again after an interruption sends only the parts
still missing. Failures a retry can cure (a dropped connection, 5xx, SlowDown) are retried inside the
same run, which resumes the same way (:mod:`validator.cloud.oss_bucket`). oss2's exceptions become
:class:`~validator.cloud.errors.CloudError` at this boundary (:mod:`validator.cloud.oss_errors`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from validator.cloud.credentials import CredentialSource
from validator.cloud.errors import CloudError
from validator.cloud.oss_bucket import RetryingBucket
from validator.cloud.oss_errors import judge, translate
from validator.cloud.retry import RetryPolicy, call_with_retry

if TYPE_CHECKING:
    import oss2
    import oss2.credentials

    from validator.cloud.listing import Listed, Page

# oss2 logs a full traceback at ERROR when an upload thread fails; the error reaches us as an
# exception anyway, and Python's last-resort handler would print the traceback to stderr.
logging.getLogger("oss2").addHandler(logging.NullHandler())
logging.getLogger("oss2").propagate = False

Progress = Callable[[int, int], None]
"""``(bytes_done, bytes_total)``."""


@dataclass(frozen=True)
class ObjectInfo:
    """HeadObject's answer."""

    size: int
    etag: str | None
    crc64: str | None


@dataclass(frozen=True)
class UploadResult:
    """What one upload did."""

    bucket: str
    key: str
    size: int
    skipped: bool
    """The object was already there (same content-hash key, same size, same CRC-64): nothing was sent."""
    resumed_bytes: int
    """Bytes of parts found already uploaded by an earlier, interrupted run."""
    attempts: int
    """Tries in all: 1, plus one for each request retried (a throttled or dropped part, ...)."""
    crc64: str | None
    """The server's CRC-64 of the object, which oss2 checked against the local file."""
    notes: tuple[str, ...] = ()
    """What a person should know about how the upload went (an object replaced, a lost answer)."""


class ObjectStore(Protocol):
    """The OSS operations the cloud commands need."""

    bucket: str

    def head(self, key: str, bucket: str | None = None) -> ObjectInfo | None: ...

    def upload(self, key: str, path: Path, progress: Progress | None = None) -> UploadResult: ...

    def read_range(self, bucket: str, key: str, offset: int, length: int) -> bytes: ...


@dataclass(frozen=True)
class UploadTuning:
    """How uploads are cut up."""

    multipart_threshold: int = 32 * 1024 * 1024
    """Files at least this big go multipart (and become resumable)."""
    part_size: int = 8 * 1024 * 1024
    num_threads: int = 4
    timeout_seconds: float = 60.0
    """Connect and read timeout of each request."""


def content_digest(path: Path) -> str:
    """SHA-256 of the file, hex. Remembered per file identity (path, size, modification time): one run
    needs it for the requests it shows before asking, and again for the upload, and hashing a file of
    hundreds of MB takes seconds."""
    info = path.stat()
    return _digest(str(path.resolve()), info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def object_key(prefix: str, digest: str, path: Path) -> str:
    """``PREFIX`` + 32 hex characters of the content hash + the lower-cased extension."""
    return f"{prefix}{digest[:32]}{path.suffix.lower()}"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/avatar-preflight`` (``~/.cache/avatar-preflight``)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "avatar-preflight"


class OssObjectStore:
    """:class:`ObjectStore` on oss2, signing with V4 from a credential source."""

    def __init__(
        self,
        endpoint: str,
        bucket: str,
        region: str,
        credentials: CredentialSource,
        *,
        cache_dir: Path | None = None,
        tuning: UploadTuning | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        bucket_factory: Callable[[str], oss2.Bucket] | None = None,
        on_retry: Callable[[int, float, CloudError], None] | None = None,
    ) -> None:
        self.bucket = bucket
        self.endpoint = endpoint
        self._region = region
        self._credentials = credentials
        self._cache_dir = cache_dir or default_cache_dir()
        self._tuning = tuning or UploadTuning()
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._factory = bucket_factory or self._new_bucket
        self._buckets: dict[str, oss2.Bucket] = {}
        self._on_retry = on_retry
        self._rng = random.Random()

    def __repr__(self) -> str:
        return f"OssObjectStore(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    def head(self, key: str, bucket: str | None = None) -> ObjectInfo | None:
        import oss2

        def once() -> ObjectInfo | None:
            try:
                meta = self._bucket(bucket or self.bucket).head_object(key)
            except oss2.exceptions.NotFound:
                return None
            except oss2.exceptions.OssError as exc:
                raise translate(exc, "HeadObject") from exc
            return ObjectInfo(int(meta.content_length), meta.etag, meta.headers.get("x-oss-hash-crc64ecma"))

        return call_with_retry(once, judge, self._retry, sleep=self._sleep, rng=self._rng)

    def upload(self, key: str, path: Path, progress: Progress | None = None) -> UploadResult:
        before = path.stat()
        size = before.st_size
        notes: list[str] = []
        there = self._already_there(key, path, size, notes)
        if there is not None:
            if progress is not None:
                progress(size, size)
            return there
        attempts = _Attempts(self._on_retry, notes.append)
        resumed: list[int] = []
        multipart = size >= self._tuning.multipart_threshold

        def on_progress(done: int, total: int | None) -> None:
            if not resumed and multipart:
                resumed.append(done)  # oss2 first reports the parts an earlier run left uploaded
            if progress is not None:
                progress(done, total or size)

        # Each request is retried where it failed (RetryingBucket); this outer loop only restarts the
        # whole upload (resuming it) after a request ran out of tries.
        outer = RetryPolicy(min(3, self._retry.attempts), self._retry.base_seconds, self._retry.cap_seconds)
        result = call_with_retry(
            lambda: self._resumable_upload(key, path, attempts, on_progress, multipart),
            judge,
            outer,
            sleep=self._sleep,
            rng=self._rng,
            on_retry=attempts.observe,
        )
        crc = getattr(result, "crc", None)
        if crc is not None and getattr(self._bucket(self.bucket), "enable_crc", False):
            from validator.cloud.crcmemo import remember

            after = path.stat()
            if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
                remember(path, int(crc), self._cache_dir)  # oss2 checked it against the bytes it sent
        return UploadResult(
            bucket=self.bucket,
            key=key,
            size=size,
            skipped=False,
            resumed_bytes=resumed[0] if resumed else 0,
            attempts=attempts.count,
            crc64=str(crc) if crc is not None else None,
            notes=tuple(notes),
        )

    def _already_there(self, key: str, path: Path, size: int, notes: list[str]) -> UploadResult | None:
        """The object at the file's key, when it is the file (its size and CRC-64); ``None`` when it
        must be uploaded, with a note saying why when an object of that size was there."""
        existing = self.head(key)
        if existing is None or existing.size != size:
            return None
        problem = self._not_the_same(existing, path)
        if problem is not None:
            notes.append(f"oss://{self.bucket}/{key} has the file's size but {problem}: uploading it again")
            return None
        return UploadResult(
            bucket=self.bucket,
            key=key,
            size=size,
            skipped=True,
            resumed_bytes=0,
            attempts=0,
            crc64=existing.crc64,
        )

    def _not_the_same(self, existing: ObjectInfo, path: Path) -> str | None:
        """Why the object at the file's key (of the file's size) cannot be taken for the file, or
        ``None`` when its CRC-64 is the file's."""
        from validator.cloud.crcmemo import local_crc64

        if existing.crc64 is None:
            return "the service reports no CRC-64 to prove its content"
        try:
            theirs = int(existing.crc64)
        except ValueError:
            return f"its CRC-64 {existing.crc64!r} is not a number"
        if theirs != local_crc64(path, self._cache_dir):
            return "its CRC-64 differs from the local file's (other bytes)"
        return None

    def _resumable_upload(
        self,
        key: str,
        path: Path,
        attempts: _Attempts,
        on_progress: Callable[[int, int | None], None],
        multipart: bool,
    ) -> object:
        """One ``oss2.resumable_upload`` call: it picks up the parts its checkpoint says are there."""
        import oss2

        attempts.count += 1
        store = oss2.ResumableStore(root=str(self._cache_dir), dir="uploads")
        bucket = RetryingBucket(
            self._bucket(self.bucket), self._retry, self._sleep, self._rng, attempts.retried, attempts.note
        )
        try:
            return oss2.resumable_upload(
                bucket,
                key,
                str(path),
                store=store,
                multipart_threshold=self._tuning.multipart_threshold,
                part_size=self._tuning.part_size,
                num_threads=self._tuning.num_threads,
                progress_callback=on_progress,
            )
        except oss2.exceptions.OssError as exc:
            action = bucket.failed_action or ("UploadPart" if multipart else "PutObject")
            raise translate(exc, action) from exc

    def read_range(self, bucket: str, key: str, offset: int, length: int) -> bytes:
        import oss2

        def once() -> bytes:
            try:
                result = self._bucket(bucket).get_object(
                    key,
                    byte_range=(offset, offset + length - 1),
                    headers={"x-oss-range-behavior": "standard"},
                )
                data: bytes = result.read()
                return data
            except oss2.exceptions.OssError as exc:
                raise translate(exc, "GetObject") from exc

        return call_with_retry(once, judge, self._retry, sleep=self._sleep, rng=self._rng)

    def list_videos(
        self, bucket: str, prefix: str, on_page: Callable[[Page], None] | None = None
    ) -> Iterator[Listed]:
        """Every video object under ``prefix`` (:mod:`validator.cloud.listing`), each page retried."""
        from validator.cloud.listing import list_videos

        retry, sleep, on_retry = self._retry, self._sleep, self._on_retry
        return list_videos(
            self._bucket(bucket), prefix, policy=retry, sleep=sleep, on_retry=on_retry, on_page=on_page
        )

    def _bucket(self, name: str) -> oss2.Bucket:
        if name not in self._buckets:
            self._buckets[name] = self._factory(name)
        return self._buckets[name]

    def _new_bucket(self, name: str) -> oss2.Bucket:
        import oss2

        auth = oss2.ProviderAuthV4(_Oss2Provider(self._credentials))
        return oss2.Bucket(
            auth, self.endpoint, name, region=self._region, connect_timeout=self._tuning.timeout_seconds
        )


class _Attempts:
    """Counts an upload's tries (each request retried, and each restart of the whole upload) and
    tells the observer about every retry."""

    def __init__(
        self, on_retry: Callable[[int, float, CloudError], None] | None, note: Callable[[str], None]
    ) -> None:
        self.count = 0
        self._on_retry = on_retry
        self.note = note
        """Told what a person should know about the upload (an answer lost, the object found)."""

    def retried(self, attempt: int, wait: float, error: CloudError) -> None:
        """A request inside the upload is tried again."""
        self.count += 1
        if self._on_retry is not None:
            self._on_retry(attempt, wait, error)

    def observe(self, attempt: int, wait: float, exc: Exception) -> None:
        """The whole upload is started again (resuming)."""
        if self._on_retry is not None and isinstance(exc, CloudError):
            self._on_retry(attempt, wait, exc)


class _Oss2Provider:
    """oss2's credentials-provider interface over our source (refreshes temporary credentials)."""

    def __init__(self, source: CredentialSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return "_Oss2Provider()"

    def get_credentials(self) -> oss2.credentials.Credentials:
        import oss2

        found = self._source.get()
        return oss2.credentials.Credentials(
            found.access_key_id, found.access_key_secret, found.security_token or ""
        )
