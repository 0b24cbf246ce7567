"""An ``oss2.Bucket`` whose upload requests are each retried where they failed, with faster parts.

Used by :meth:`validator.cloud.storage.OssObjectStore.upload` under ``oss2.resumable_upload``:
the bucket retries each request (oss2 never does), sends a part held in memory in one write, and
checks CRC-64s with :mod:`validator.crc64` instead of oss2's per-part matrix rebuilding.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from validator.cloud.errors import CloudError
from validator.cloud.oss_errors import judge, translate
from validator.cloud.retry import RetryPolicy, Verdict, call_with_retry


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
        on_note: Callable[[str], None] | None = None,
    ) -> None:
        self._inner = inner
        self._on_note = on_note
        self.failed_action: str | None = None
        """The request that failed for good, once one has (for the message: oss2 raises the same
        ``NoSuchUpload`` from ListParts, UploadPart and CompleteMultipartUpload)."""
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
        try:
            result = self._retried(
                "CompleteMultipartUpload",
                lambda: self._inner.complete_multipart_upload(key, upload_id, plain, *args, **kwargs),
                None,
            )
        except oss2.exceptions.NoSuchUpload:
            total = sum(p.size or 0 for p in parts or ())
            found = None if expected is None else self._completed_object(key, total, expected)
            self.failed_action = None if found is not None else "CompleteMultipartUpload"
            if found is None:
                raise
            return found
        if getattr(self._inner, "enable_crc", False) and parts:
            oss2.utils.check_crc("multipart upload", expected, result.crc, result.request_id)
        return result

    def _completed_object(self, key: str, size: int, crc: int) -> CompletedObject | None:
        """After NoSuchUpload: the object the upload made, when the key holds exactly the parts
        (their size and combined CRC-64). A CompleteMultipartUpload carried out whose answer was lost
        looks like this to its retry; an upload that really expired leaves no such object."""
        import oss2

        try:
            meta = self._retried("HeadObject", lambda: self._inner.head_object(key), None)
        except oss2.exceptions.NotFound:
            return None
        stored = meta.headers.get("x-oss-hash-crc64ecma")
        if int(meta.content_length) != size or stored is None or stored.strip() != str(crc):
            return None
        if self._on_note is not None:
            self._on_note(
                "the answer to CompleteMultipartUpload was lost, but the object is complete "
                "(its CRC-64 is the parts'): carrying on"
            )
        return CompletedObject(crc=crc, etag=meta.etag, request_id=meta.request_id)

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
        try:
            return call_with_retry(once, verdict, policy, sleep=sleep, rng=rng, on_retry=observe)
        except Exception:
            self.failed_action = action
            raise


@dataclass(frozen=True, slots=True)
class CompletedObject:
    """What CompleteMultipartUpload would have answered, read back with HeadObject."""

    crc: int
    etag: str | None
    request_id: str | None


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
