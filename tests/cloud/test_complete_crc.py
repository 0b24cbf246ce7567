"""A multipart object whose CRC-64 differs from its parts' is refused, as oss2 itself would refuse it;
after NoSuchUpload, an object holding exactly the parts (size and CRC-64) is the upload completed by a
try whose answer was lost, and anything else leaves NoSuchUpload as it is."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import oss2
import pytest

from validator.cloud.oss_bucket import RetryingBucket
from validator.cloud.oss_errors import translate
from validator.cloud.retry import RetryPolicy
from validator.crc64 import Crc64

PARTS = [random.Random(n).randbytes(150_000 + n) for n in range(3)]


def _crc(data: bytes) -> int:
    crc = Crc64()
    crc.update(data)
    return crc.value


class Service:
    """Answers CompleteMultipartUpload with the CRC-64 it is told to, and keeps what it was sent."""

    enable_crc = True

    def __init__(self, crc: int) -> None:
        self.crc = crc
        self.sent: list[Any] = []

    def complete_multipart_upload(self, key: str, upload_id: str, parts: Any, **kwargs: Any) -> Any:
        self.sent = parts
        return SimpleNamespace(crc=self.crc, request_id="req-1")


def _bucket(service: Service, notes: list[str] | None = None) -> RetryingBucket:
    note = notes.append if notes is not None else None
    return RetryingBucket(service, RetryPolicy(), lambda s: None, random.Random(1), lambda *a: None, note)


def _complete(bucket: RetryingBucket) -> Any:
    infos = [
        oss2.models.PartInfo(n + 1, f"etag{n}", size=len(data), part_crc=_crc(data))
        for n, data in enumerate(PARTS)
    ]
    return bucket.complete_multipart_upload("k", "u", list(reversed(infos)))


def test_the_whole_objects_crc_matches_its_parts() -> None:
    service = Service(_crc(b"".join(PARTS)))
    assert _complete(_bucket(service)).crc == service.crc
    assert sorted((p.part_number, p.etag) for p in service.sent) == [(1, "etag0"), (2, "etag1"), (3, "etag2")]


def test_a_different_crc_is_refused_with_the_reason() -> None:
    with pytest.raises(oss2.exceptions.InconsistentError) as caught:
        _complete(_bucket(Service(_crc(b"".join(PARTS)) ^ 1)))
    assert "differs from the local file" in str(translate(caught.value, "CompleteMultipartUpload"))


class Finished(Service):
    """An upload completed by an earlier try whose answer was lost: completing again is NoSuchUpload,
    and HeadObject shows the object that is there (``stored`` bytes), or none."""

    def __init__(self, stored: bytes | None) -> None:
        super().__init__(0)
        self.stored = stored

    def complete_multipart_upload(self, key: str, upload_id: str, parts: Any, **kwargs: Any) -> Any:
        raise oss2.exceptions.NoSuchUpload(404, {}, b"", {"Code": "NoSuchUpload"})

    def head_object(self, key: str) -> Any:
        if self.stored is None:
            raise oss2.exceptions.NoSuchKey(404, {}, b"", {"Code": "NoSuchKey"})
        headers = {"x-oss-hash-crc64ecma": str(_crc(self.stored))}
        return SimpleNamespace(content_length=len(self.stored), headers=headers, etag="e", request_id="r")


def test_an_upload_completed_whose_answer_was_lost_is_taken_from_the_object() -> None:
    notes: list[str] = []
    assert _complete(_bucket(Finished(b"".join(PARTS)), notes)).crc == _crc(b"".join(PARTS))
    assert len(notes) == 1 and "lost" in notes[0]


@pytest.mark.parametrize(
    "stored",
    [None, b"".join(reversed(PARTS)), b"".join(PARTS)[:-1]],
    ids=["no-object", "same-size-other-bytes", "shorter"],
)
def test_an_upload_that_really_expired_stays_no_such_upload(stored: bytes | None) -> None:
    bucket = _bucket(Finished(stored))
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        _complete(bucket)
    assert bucket.failed_action == "CompleteMultipartUpload"  # what the message names
