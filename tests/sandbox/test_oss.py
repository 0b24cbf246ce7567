"""The OSS object API, exercised only through oss2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import oss2
import pytest

from tests.helpers import TEST_BUCKET as BUCKET
from tests.helpers import oss_bucket
from validator.sandbox import Sandbox

KEY = "folder/with space/clip.mp4"


def test_put_get_head_delete(bucket: Any) -> None:
    data = os.urandom(200_000)
    put = bucket.put_object(KEY, data)  # oss2 checks the returned CRC-64 itself
    assert put.status == 200 and put.etag and put.crc is not None

    got = bucket.get_object(KEY)
    assert got.read() == data
    assert got.server_crc == put.crc

    head = bucket.head_object(KEY)
    assert head.content_length == len(data)
    assert head.etag == put.etag
    assert head.object_type == "Normal"

    bucket.delete_object(KEY)
    assert not bucket.object_exists(KEY)
    bucket.delete_object(KEY)  # deleting twice is fine, as in OSS


def test_ranged_get(bucket: Any) -> None:
    data = bytes(range(256)) * 40
    bucket.put_object("r.bin", data)
    part = bucket.get_object("r.bin", byte_range=(10, 19))
    assert part.status == 206
    assert part.content_range == f"bytes 10-19/{len(data)}"
    assert part.read() == data[10:20]
    tail = bucket.get_object("r.bin", byte_range=(None, 5))
    assert tail.read() == data[-5:]
    open_end = bucket.get_object("r.bin", byte_range=(len(data) - 3, None))
    assert open_end.read() == data[-3:]


def test_unsatisfiable_range_is_416(bucket: Any) -> None:
    bucket.put_object("small.bin", b"0123456789")
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.get_object("small.bin", byte_range=(100, 200))
    assert info.value.status == 416
    assert info.value.code == "InvalidRange"


def test_missing_key(bucket: Any) -> None:
    with pytest.raises(oss2.exceptions.NoSuchKey) as info:
        bucket.get_object("nope")
    assert info.value.request_id
    # HEAD has no body: the error travels in x-oss-err, and oss2 still learns the code.
    with pytest.raises(oss2.exceptions.NotFound) as head_info:
        bucket.head_object("nope")
    assert head_info.value.code == "NoSuchKey"


@pytest.mark.parametrize("version", ["v4", "v1"])
def test_multipart_upload_above_threshold(sandbox: Sandbox, tmp_path: Path, version: str) -> None:
    auth = (oss2.AuthV4 if version == "v4" else oss2.Auth)(
        sandbox.access_key_id, sandbox.access_key_secret
    )
    bucket = oss_bucket(sandbox, auth)
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(2 * 1024 * 1024 + 12345))
    seen: list[int] = []
    oss2.resumable_upload(
        bucket, "big/object.bin", str(source), store=oss2.ResumableStore(root=str(tmp_path)),
        multipart_threshold=1024 * 1024, part_size=512 * 1024, num_threads=2,
        progress_callback=lambda done, total: seen.append(done),
    )
    head = bucket.head_object("big/object.bin")
    assert head.object_type == "Multipart"
    assert head.etag.endswith("-5")
    assert head.content_length == source.stat().st_size
    assert bucket.get_object("big/object.bin").read() == source.read_bytes()  # CRC checked too
    assert seen and seen[-1] == source.stat().st_size


def test_multipart_calls_one_by_one(bucket: Any) -> None:
    upload_id = bucket.init_multipart_upload("m.bin").upload_id
    one, two = os.urandom(100 * 1024), os.urandom(1000)
    r1 = bucket.upload_part("m.bin", upload_id, 1, one)
    r2 = bucket.upload_part("m.bin", upload_id, 2, two)
    listed = bucket.list_parts("m.bin", upload_id)
    assert [(p.part_number, p.size) for p in listed.parts] == [(1, len(one)), (2, len(two))]
    parts = [oss2.models.PartInfo(1, r1.etag, size=len(one), part_crc=r1.crc),
             oss2.models.PartInfo(2, r2.etag, size=len(two), part_crc=r2.crc)]
    bucket.complete_multipart_upload("m.bin", upload_id, parts)  # oss2 compares combined CRCs
    assert bucket.get_object("m.bin").read() == one + two
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.list_parts("m.bin", upload_id)


PART = 100 * 1024

ORDERS = {
    "in order": [(1, 0), (2, 1), (3, 2), (4, 3)],
    "part 2 before part 1": [(2, 1), (1, 0), (3, 2), (4, 3)],
    "part 3 sent again": [(1, 0), (2, 1), (3, 2), (4, 3), (3, 4)],
    "a larger part in the middle": [(1, 0), (2, 5), (3, 2), (4, 3)],
}
"""(part number, body) in the order sent; bodies 0-2 and 4 are PART long, 3 is short, 5 is longer."""


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_multipart_objects_are_the_parts_chosen_whatever_the_order(bucket: Any, order: str) -> None:
    """Parts of one size are laid out in place as they arrive; sent out of order, again or in other
    sizes, they are assembled by copying: the object is the chosen parts either way."""
    bodies = [os.urandom(n) for n in (PART, PART, PART, 5000, PART, PART + 3000)]
    upload_id = bucket.init_multipart_upload("o.bin").upload_id
    latest: dict[int, tuple[bytes, Any]] = {}
    for number, body in ORDERS[order]:
        latest[number] = (bodies[body], bucket.upload_part("o.bin", upload_id, number, bodies[body]))
    chosen = sorted(latest.items())
    parts = [oss2.models.PartInfo(n, r.etag, size=len(data), part_crc=r.crc) for n, (data, r) in chosen]
    bucket.complete_multipart_upload("o.bin", upload_id, parts)  # CRC-64 checked against the parts
    assert bucket.get_object("o.bin").read() == b"".join(data for _, (data, _) in chosen)


def test_multipart_errors(bucket: Any) -> None:
    upload_id = bucket.init_multipart_upload("e.bin").upload_id
    small = bucket.upload_part("e.bin", upload_id, 1, b"tiny")
    last = bucket.upload_part("e.bin", upload_id, 2, b"end")
    with pytest.raises(oss2.exceptions.ServerError) as wrong_etag:
        bucket.complete_multipart_upload("e.bin", upload_id,
                                         [oss2.models.PartInfo(1, "0" * 32)])
    assert wrong_etag.value.code == "InvalidPart"
    with pytest.raises(oss2.exceptions.ServerError) as too_small:
        bucket.complete_multipart_upload("e.bin", upload_id, [
            oss2.models.PartInfo(1, small.etag), oss2.models.PartInfo(2, last.etag)])
    assert too_small.value.code == "EntityTooSmall"
    bucket.abort_multipart_upload("e.bin", upload_id)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.upload_part("e.bin", upload_id, 3, b"x")


def test_wrong_secret_v4_and_v1(sandbox: Sandbox) -> None:
    for auth in (oss2.AuthV4(sandbox.access_key_id, "wrong"), oss2.Auth(sandbox.access_key_id, "wrong")):
        with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as info:
            oss_bucket(sandbox, auth).put_object("x", b"1")
        assert info.value.status == 403
        assert "StringToSign" in info.value.details


def test_unknown_key_and_no_auth(sandbox: Sandbox) -> None:
    with pytest.raises(oss2.exceptions.ServerError) as info:
        oss_bucket(sandbox, oss2.AuthV4("LTAI5tUnknownKey000000", "x")).put_object("x", b"1")
    assert (info.value.status, info.value.code) == (403, "InvalidAccessKeyId")
    with pytest.raises(oss2.exceptions.AccessDenied):
        oss_bucket(sandbox, oss2.AnonymousAuth()).get_object("x")


def test_request_time_too_skewed(sandbox: Sandbox, bucket: Any) -> None:
    sandbox.clock.shift(20 * 60)  # type: ignore[attr-defined]
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.put_object("x", b"1")
    assert (info.value.status, info.value.code) == (403, "RequestTimeTooSkewed")


def test_sts_tokens(sandbox: Sandbox) -> None:
    sts = sandbox.issue_sts(600)
    good = oss2.StsAuth(sts.access_key_id, sts.access_key_secret, sts.security_token,
                        auth_version=oss2.AUTH_VERSION_4)
    oss_bucket(sandbox, good).put_object("sts.bin", b"ok")
    bad = oss2.StsAuth(sts.access_key_id, sts.access_key_secret, "CAISforged",
                       auth_version=oss2.AUTH_VERSION_4)
    with pytest.raises(oss2.exceptions.ServerError) as info:
        oss_bucket(sandbox, bad).get_object("sts.bin")
    assert info.value.code == "InvalidSecurityToken"
    old = sandbox.issue_sts(-1)
    expired = oss2.StsAuth(old.access_key_id, old.access_key_secret, old.security_token)
    with pytest.raises(oss2.exceptions.ServerError) as expired_info:
        oss_bucket(sandbox, expired).get_object("sts.bin")
    assert expired_info.value.code == "SecurityTokenExpired"


def test_virtual_host_style(sandbox: Sandbox) -> None:
    """A bucket-in-the-host endpoint, reached through the sandbox as an HTTP proxy.

    The host is under ``.invalid`` (RFC 2606), so even a stray lookup could never leave the machine.
    """
    auth = oss2.AuthV4(sandbox.access_key_id, sandbox.access_key_secret)
    proxied = oss2.Bucket(
        auth, "http://oss-cn-shanghai.sandbox.invalid", BUCKET, region="cn-shanghai",
        proxies={"http": sandbox.oss_endpoint},
    )
    proxied.put_object("vhost/a.txt", b"virtual")
    assert oss_bucket(sandbox).get_object("vhost/a.txt").read() == b"virtual"


def test_buckets_are_created_on_use(sandbox: Sandbox) -> None:
    oss_bucket(sandbox, name="another-bucket").put_object("k", b"v")
    assert not oss_bucket(sandbox).object_exists("k")
    assert oss_bucket(sandbox, name="another-bucket").get_object("k").read() == b"v"


def test_uploaded_parts_are_checked_against_the_crc_the_service_reports(
    bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The uploader checks each part's CRC-64 itself (one pass over the part in memory): a part that
    arrived as sent passes, and one the service saw differently (changed on the way) is refused."""
    import random

    import validator.sandbox.files
    from validator.cloud.oss_bucket import RetryingBucket
    from validator.cloud.retry import RetryPolicy
    from validator.crc64 import Crc64

    quiet = lambda *a: None  # noqa: E731
    retrying = RetryingBucket(bucket, RetryPolicy(attempts=2), quiet, random.Random(1), quiet)
    upload_id = bucket.init_multipart_upload("c.bin").upload_id
    body = os.urandom(PART)
    sent = retrying.upload_part("c.bin", upload_id, 1, body)
    local = Crc64()
    local.update(body)
    assert sent.crc == local.value

    class Garbled(Crc64):
        def update(self, data: bytes) -> None:
            super().update(data[:-1] + bytes([data[-1] ^ 1]))

    monkeypatch.setattr(validator.sandbox.files, "Crc64", Garbled)  # what the service computes
    with pytest.raises(oss2.exceptions.InconsistentError):
        retrying.upload_part("c.bin", upload_id, 2, body)
