"""OSS behind a small interface: content-addressed, resumable, CRC-checked uploads and ranged reads.

The object key holds a hash of the content (``PREFIX + sha256[:32] + .ext``), so the same file always
lands on the same key and a second run finds it there instead of uploading it again. Uploads go
through ``oss2.resumable_upload``: several threads, CRC-64 verified against the server's, and a
checkpoint under the cache folder, so a run started again after an interruption sends only the parts
still missing. Failures a retry can cure (a dropped connection, 5xx, SlowDown) are retried inside the
same run, which resumes the same way. oss2 exceptions become
:class:`~validator.cloud.errors.CloudError` here.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from validator.cloud.credentials import CredentialSource
from validator.cloud.errors import CloudError
from validator.cloud.retry import RetryPolicy, Verdict, call_with_retry
from validator.cloud.transport import TransportFailure, transport_failure

TIMEOUT_ATTEMPTS = 2
"""Tries in all when OSS does not answer in time (the ICE client's rule too)."""

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
    """The object was already there (same content-hash key, same size): nothing was sent."""
    resumed_bytes: int
    """Bytes of parts found already uploaded by an earlier, interrupted run."""
    attempts: int
    """Tries in all: 1, plus one for each request retried (a throttled or dropped part, ...)."""
    crc64: str | None
    """The server's CRC-64 of the object, which oss2 checked against the local file."""


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
        bucket_factory: Callable[[str], Any] | None = None,
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
        self._buckets: dict[str, Any] = {}
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
        import oss2

        size = path.stat().st_size
        existing = self.head(key)
        if existing is not None and existing.size == size:
            if progress is not None:
                progress(size, size)
            return UploadResult(self.bucket, key, size, True, 0, 0, existing.crc64)
        store = oss2.ResumableStore(root=str(self._cache_dir), dir="uploads")
        state = {"attempts": 0}

        def retried(n: int, wait: float, error: CloudError) -> None:
            state["attempts"] += 1
            if self._on_retry is not None:
                self._on_retry(n, wait, error)

        bucket = RetryingBucket(self._bucket(self.bucket), self._retry, self._sleep, self._rng, retried)
        first: list[int] = []
        multipart = size >= self._tuning.multipart_threshold

        def on_progress(done: int, total: int | None) -> None:
            if not first and multipart:
                first.append(done)  # oss2 first reports the parts an earlier run left uploaded
            if progress is not None:
                progress(done, total or size)

        def once() -> Any:
            state["attempts"] += 1
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
                raise translate(
                    exc, "UploadPart" if size >= self._tuning.multipart_threshold else "PutObject"
                ) from exc

        def observe(n: int, wait: float, exc: Exception) -> None:
            if self._on_retry is not None and isinstance(exc, CloudError):
                self._on_retry(n, wait, exc)

        # Each request is retried where it failed (RetryingBucket); this outer loop only restarts the
        # whole upload (resuming it) after a request ran out of tries.
        outer = RetryPolicy(min(3, self._retry.attempts), self._retry.base_seconds, self._retry.cap_seconds)
        result = call_with_retry(once, judge, outer, sleep=self._sleep, rng=self._rng, on_retry=observe)
        crc = getattr(result, "crc", None)
        return UploadResult(
            self.bucket,
            key,
            size,
            False,
            first[0] if first else 0,
            state["attempts"],
            str(crc) if crc is not None else None,
        )

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

    def _bucket(self, name: str) -> Any:
        if name not in self._buckets:
            self._buckets[name] = self._factory(name)
        return self._buckets[name]

    def _new_bucket(self, name: str) -> Any:
        import oss2

        auth = oss2.ProviderAuthV4(_Oss2Provider(self._credentials))
        return oss2.Bucket(
            auth, self.endpoint, name, region=self._region, connect_timeout=self._tuning.timeout_seconds
        )


class RetryingBucket:
    """An ``oss2.Bucket`` whose upload requests are each retried where they failed.

    oss2 itself never retries; without this, one throttled part among hundreds would fail the whole
    ``resumable_upload`` call. A request body read from a file is rewound before it is sent again
    (oss2 hands ``upload_part`` a :class:`oss2.utils.SizedFileAdapter` on the open file, and
    ``put_object`` the file itself). After the last try the original oss2 exception propagates, since
    oss2's own code tells answers apart by their class (``NoSuchUpload``...).
    """

    _RETRIED: ClassVar[dict[str, str]] = {
        "init_multipart_upload": "InitiateMultipartUpload",
        "list_parts": "ListParts",
    }

    def __init__(
        self,
        inner: Any,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
        rng: random.Random,
        on_retry: Callable[[int, float, CloudError], None],
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._sleep = sleep
        self._rng = rng
        self._on_retry = on_retry
        self._plain_bucket: Any = None

    def __repr__(self) -> str:
        return f"RetryingBucket({getattr(self._inner, 'bucket_name', '?')!r})"

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        action = self._RETRIED.get(name)
        if action is None:
            return attribute
        return lambda *args, **kwargs: self._retried(action, lambda: attribute(*args, **kwargs), None)

    def put_object(self, key: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        rewind = _rewinder(data)
        return self._retried("PutObject", lambda: self._inner.put_object(key, data, *args, **kwargs), rewind)

    def upload_part(self, key: str, upload_id: str, number: int, data: Any, *args: Any, **kwargs: Any) -> Any:
        data = _in_memory(data)
        rewind = _rewinder(data)
        plain = self._plain() if isinstance(data, bytes) else None
        if plain is None:
            return self._retried(
                "UploadPart",
                lambda: self._inner.upload_part(key, upload_id, number, data, *args, **kwargs),
                rewind,
            )
        import oss2

        from validator.crc64 import Crc64

        crc = Crc64()
        crc.update(data)  # one C call; oss2 would feed its CRC 8 KiB at a time as the part is sent

        def send() -> Any:
            result = plain.upload_part(key, upload_id, number, data, *args, **kwargs)
            oss2.utils.check_crc("upload part", crc.value, result.crc, result.request_id)
            return result

        return self._retried("UploadPart", send, rewind)

    def _plain(self) -> Any:
        """The same bucket without oss2's CRC adapter (whose 8 KiB reads also make the request go out
        in 8 KiB writes), for bodies in memory whose CRC-64 we check ourselves; ``None`` when the
        bucket does not check CRCs or is not oss2's."""
        import oss2

        if not isinstance(self._inner, oss2.Bucket) or not self._inner.enable_crc:
            return None
        if self._plain_bucket is None:
            self._plain_bucket = copy.copy(self._inner)
            self._plain_bucket.enable_crc = False
        return self._plain_bucket

    def complete_multipart_upload(
        self, key: str, upload_id: str, parts: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """CompleteMultipartUpload, the object's CRC-64 checked against its parts' as oss2 checks it, but
        combined by :mod:`validator.crc64` (oss2 rebuilds its GF(2) matrices for every part: a second
        of CPU for a hundred parts, a sixth of an 800 MB upload to the sandbox)."""
        import oss2

        from validator.crc64 import combine

        expected: int | None = 0
        for part in sorted(parts or (), key=lambda p: p.part_number):
            if expected is None or part.part_crc is None or not part.size:
                expected = None
            else:
                expected = combine(expected, part.part_crc, part.size)
        plain = None if parts is None else [oss2.models.PartInfo(p.part_number, p.etag) for p in parts]
        result = self._retried(
            "CompleteMultipartUpload",
            lambda: self._inner.complete_multipart_upload(key, upload_id, plain, *args, **kwargs),
            None,
        )
        if getattr(self._inner, "enable_crc", False) and parts:
            oss2.utils.check_crc("multipart upload", expected, result.crc, result.request_id)
        return result

    def _retried(self, action: str, call: Callable[[], Any], rewind: Callable[[], None] | None) -> Any:
        import oss2

        tries = {"n": 0}

        def once() -> Any:
            tries["n"] += 1
            if tries["n"] > 1 and rewind is not None:
                rewind()
            return call()

        def verdict(exc: Exception) -> Verdict:
            if not isinstance(exc, oss2.exceptions.OssError):
                return Verdict(False)
            if rewind is None and action in ("PutObject", "UploadPart"):
                return Verdict(False)  # a body that cannot be rewound cannot be sent again
            return judge(translate(exc, action))

        def observe(n: int, wait: float, exc: Exception) -> None:
            self._on_retry(n, wait, translate(exc, action))

        policy, sleep, rng = self._policy, self._sleep, self._rng
        return call_with_retry(once, verdict, policy, sleep=sleep, rng=rng, on_retry=observe)


MAX_BUFFERED_PART = 64 * 1024 * 1024


def _in_memory(data: Any) -> Any:
    """A file part as bytes, when it is at most :data:`MAX_BUFFERED_PART` (one part per thread, so memory
    stays flat whatever the file's size). oss2 streams a file part in 8 KiB pieces with a progress and a
    CRC callback on each; as bytes the same part goes out about twice as fast, and a retry needs no rewind."""
    import oss2

    if isinstance(data, oss2.utils.SizedFileAdapter) and data.size - data.offset <= MAX_BUFFERED_PART:
        return data.read() or b""  # oss2 answers an empty str for an exhausted adapter
    return data


def _rewinder(data: Any) -> Callable[[], None] | None:
    """A function putting ``data`` back where it was now, or ``None`` when it cannot be."""
    import oss2

    if isinstance(data, oss2.utils.SizedFileAdapter) and hasattr(data.file_object, "seek"):
        start = data.file_object.tell() - data.offset

        def rewind_part() -> None:
            data.file_object.seek(start)
            data.offset = 0

        return rewind_part
    if hasattr(data, "seek") and hasattr(data, "tell"):
        position = data.tell()
        return lambda: data.seek(position)
    if isinstance(data, bytes):
        return lambda: None
    return None


class _Oss2Provider:
    """oss2's credentials-provider interface over our source (refreshes temporary credentials)."""

    def __init__(self, source: CredentialSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return "_Oss2Provider()"

    def get_credentials(self) -> Any:
        import oss2

        found = self._source.get()
        return oss2.credentials.Credentials(
            found.access_key_id, found.access_key_secret, found.security_token or ""
        )


def judge(exc: Exception) -> Verdict:
    """Retry a broken connection, 5xx and SlowDown; a client error is final."""
    if not isinstance(exc, CloudError):
        return Verdict(False)
    if exc.code == "NetworkError":
        return Verdict(True, attempts=TIMEOUT_ATTEMPTS if exc.unreachable else None)
    return Verdict((exc.status or 0) >= 500)


_SIGNING_DETAILS = (
    "OSSAccessKeyId",
    "StringToSign",
    "StringToSignBytes",
    "CanonicalRequest",
    "SignatureProvided",
)


def scrub(exc: Any) -> None:
    """Remove from an oss2 exception what OSS echoes back about the signature (the AccessKey ID, the
    string to sign): it is chained to our error and would show in any traceback or log of it."""
    if (getattr(exc, "status", 0) or 0) < 0:
        return  # oss2's own errors (no answer, CRC): no server document, the text is the cause's
    details = getattr(exc, "details", None)
    if isinstance(details, dict):
        for name in _SIGNING_DETAILS:
            details.pop(name, None)
    if getattr(exc, "body", None):
        exc.body = b""


def translate(exc: Any, action: str) -> CloudError:
    """oss2's exception as a :class:`CloudError` (status -2 is oss2's "no answer"); the oss2 exception
    is scrubbed of signing details, since it stays chained as the cause."""
    scrub(exc)
    status = getattr(exc, "status", None)
    if status == -2:  # RequestError: the request got no answer (reset, timeout, refused)
        failure = transport_failure(exc) or TransportFailure(str(exc).strip()[:300], unreachable=False)
        return CloudError(
            "NetworkError",
            failure.message,
            status=None,
            service="OSS",
            action=action,
            unreachable=failure.unreachable,
        )
    if status == -3:  # InconsistentError: the CRC-64 of what arrived differs from the local file
        return CloudError(
            "CrcMismatch",
            "the object's CRC-64 differs from the local file's",
            request_id=getattr(exc, "request_id", None),
            service="OSS",
            action=action,
        )
    code = str(getattr(exc, "code", "") or type(exc).__name__)
    message = str(getattr(exc, "message", "") or "").strip().splitlines()
    return CloudError(
        code,
        message[0][:300] if message else code,
        request_id=getattr(exc, "request_id", None),
        status=status,
        service="OSS",
        action=action,
    )
