"""The video objects under an OSS prefix, listed with oss2's ``ObjectIterator``, a page at a time.

Every key under the prefix is listed (no delimiter), so objects in nested "folders" are included,
as ``os.walk`` includes sub-folders; keys are kept by extension as :func:`validator.discover.scan`
keeps local files (a ``.git``/``.hg``/``.svn`` "folder" is skipped the same way). Each page is
retried as ``update`` retries its requests (throttling, 5xx, a dropped connection, with backoff):
oss2's iterator would retry a 5xx at once, without waiting, and never a throttled answer, so it is
given one try and our retry wraps its ``list_objects``. An error that a retry cannot cure (the
listing refused, the bucket missing) is raised as a :class:`~validator.cloud.errors.CloudError`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from validator.cloud.errors import CloudError
from validator.cloud.oss_errors import judge, translate
from validator.cloud.retry import RetryPolicy, call_with_retry
from validator.discover import VIDEO_EXTENSIONS

PAGE_KEYS = 1000
"""Keys per ListObjects page: OSS's largest, so 200 objects take one request."""
_VCS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True, slots=True)
class Listed:
    """One video object found under a prefix."""

    bucket: str
    key: str
    size: int


class Lister(Protocol):
    """An object store that lists a prefix (:meth:`validator.cloud.storage.OssObjectStore.list_videos`)."""

    def list_videos(
        self, bucket: str, prefix: str, on_page: Callable[[Page], None] | None = None
    ) -> Iterator[Listed]: ...


@dataclass(frozen=True, slots=True)
class Page:
    """Where a listing is: told after each page, for a progress line."""

    pages: int
    objects: int
    """Objects listed so far (every key)."""
    videos: int
    """Of them, kept as videos."""


def is_video_key(key: str) -> bool:
    """Whether a listed key is checked: a video extension, and no version-control folder on its way."""
    name = key.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0 or name[dot:].lower() not in VIDEO_EXTENSIONS:
        return False
    return not any(part in _VCS for part in key.split("/")[:-1])


class _RetriedListing:
    """The bucket as oss2's iterator sees it: ``list_objects`` retried by our policy, translated."""

    def __init__(self, bucket: Any, retry: Callable[[Callable[[], Any]], Any]) -> None:
        self._bucket = bucket
        self._retry = retry

    def list_objects(self, **kwargs: Any) -> Any:
        import oss2

        def once() -> Any:
            try:
                return self._bucket.list_objects(**kwargs)
            except oss2.exceptions.OssError as exc:
                raise translate(exc, "ListObjects") from exc

        return self._retry(once)


def list_videos(
    bucket: Any,
    prefix: str,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, float, CloudError], None] | None = None,
    on_page: Callable[[Page], None] | None = None,
    page_keys: int = PAGE_KEYS,
) -> Iterator[Listed]:
    """Every video object under ``prefix`` of the oss2 ``bucket``, in key order; ``on_page`` is told
    after each full page of ``page_keys``."""
    import oss2

    rng = random.Random()

    def observe(attempt: int, wait: float, exc: Exception) -> None:
        if on_retry is not None and isinstance(exc, CloudError):
            on_retry(attempt, wait, exc)

    def retried(call: Callable[[], Any]) -> Any:
        return call_with_retry(call, judge, policy or RetryPolicy(), sleep=sleep, rng=rng, on_retry=observe)

    listing = _RetriedListing(bucket, retried)
    iterator = oss2.ObjectIterator(listing, prefix=prefix, max_keys=page_keys, max_retries=1)
    kept = pages = 0
    for seen, entry in enumerate(iterator, 1):
        if is_video_key(entry.key):
            kept += 1
            yield Listed(bucket.bucket_name, entry.key, int(entry.size or 0))
        if on_page is not None and seen % page_keys == 0:
            pages += 1
            on_page(Page(pages, seen, kept))
