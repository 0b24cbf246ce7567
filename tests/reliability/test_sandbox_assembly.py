"""A multipart object is the bytes of its parts, whichever way the sandbox copies them, and the CRC-64
it reports is that of the bytes it stored: a wrong assembly is an error, never a silent success.

``os.copy_file_range`` is missing on macOS and Windows (which has no ``pread``/``pwrite`` either) and
refused by some file systems and container sandboxes; each platform is simulated by taking these
away or making them fail, so every path runs here.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any

import oss2
import pytest

from tests.helpers import oss_bucket
from validator.crc64 import Crc64
from validator.sandbox import Sandbox

KIB = 1024
SIZES = (200 * KIB, 300 * KIB, 150 * KIB)
"""The first part sets the layout's stride; the second is larger, so it gets a file of its own and
the object must be assembled by copying; the third sits in the layout at a non-zero offset."""


def _refused(error: int) -> Callable[..., int]:
    def copy_file_range(src: int, dst: int, count: int, *args: Any) -> int:
        raise OSError(error, os.strerror(error))

    return copy_file_range


def _refused_midway() -> Callable[..., int]:
    """Copies a first piece of each part, then fails as a file system that gives up would."""
    real = os.copy_file_range
    calls = {"n": 0}

    def copy_file_range(src: int, dst: int, count: int, *args: Any) -> int:
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real(src, dst, min(count, 4096), *args)

    return copy_file_range


def _windows(mp: pytest.MonkeyPatch) -> None:
    for name in ("copy_file_range", "pread", "pwrite"):
        mp.delattr(os, name, raising=False)


PLATFORMS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "kernel": lambda mp: None,
    "missing": lambda mp: mp.delattr(os, "copy_file_range", raising=False),
    "unsupported": lambda mp: mp.setattr(os, "copy_file_range", _refused(errno.ENOSYS), raising=False),
    "refused-midway": lambda mp: mp.setattr(os, "copy_file_range", _refused_midway(), raising=False),
    "no-positioned-io": _windows,
}


def _upload(bucket: Any, key: str) -> tuple[str, list[oss2.models.PartInfo], bytes]:
    upload_id = bucket.init_multipart_upload(key).upload_id
    parts, whole = [], b""
    for number, size in enumerate(SIZES, start=1):
        data = bytes([number]) * 7 + os.urandom(size - 7)
        parts.append(oss2.models.PartInfo(number, bucket.upload_part(key, upload_id, number, data).etag))
        whole += data
    return upload_id, parts, whole


def _crc(data: bytes) -> int:
    crc = Crc64()
    crc.update(data)
    return crc.value


@pytest.mark.parametrize("platform", PLATFORMS)
def test_assembled_objects_are_their_parts_on_every_platform(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    if platform in ("kernel", "refused-midway") and not hasattr(os, "copy_file_range"):
        pytest.skip("this system has no copy_file_range")
    bucket = oss_bucket(sandbox)
    PLATFORMS[platform](monkeypatch)  # parts are written on it too
    upload_id, parts, whole = _upload(bucket, f"assembly/{platform}.mp4")
    done = bucket.complete_multipart_upload(f"assembly/{platform}.mp4", upload_id, parts)
    assert int(done.headers["x-oss-hash-crc64ecma"]) == _crc(whole)
    monkeypatch.undo()
    stored = bucket.get_object(f"assembly/{platform}.mp4").read()  # oss2 checks the CRC as it reads
    assert len(stored) == len(whole) and stored == whole


def test_a_wrong_assembly_fails_the_complete_and_keeps_the_upload(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = oss_bucket(sandbox)
    upload_id, parts, whole = _upload(bucket, "assembly/wrong.mp4")

    def from_the_start(src: int, dst: int, count: int, *args: Any) -> int:
        data = os.pread(src, count, 0)  # a copy that ignores where the part starts
        return os.write(dst, data)

    monkeypatch.setattr(os, "copy_file_range", from_the_start, raising=False)
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.complete_multipart_upload("assembly/wrong.mp4", upload_id, parts)
    assert info.value.status == 500
    monkeypatch.undo()
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.head_object("assembly/wrong.mp4")
    bucket.complete_multipart_upload("assembly/wrong.mp4", upload_id, parts)  # the parts are intact
    assert bucket.get_object("assembly/wrong.mp4").read() == whole


def test_the_reported_crc_is_the_stored_bytes_even_without_a_copy(sandbox: Sandbox) -> None:
    """Parts of one size are completed by a rename of the file they were written into: damage to
    that file after the parts arrived is found before the object is reported."""
    bucket = oss_bucket(sandbox)
    key, size = "assembly/renamed.mp4", 200 * KIB
    upload_id = bucket.init_multipart_upload(key).upload_id
    parts = [oss2.models.PartInfo(n, bucket.upload_part(key, upload_id, n, os.urandom(size)).etag)
             for n in (1, 2)]
    assert sandbox.data_dir is not None
    (layout,) = [p for p in sandbox.data_dir.rglob("layout") if upload_id in p.parts]
    with layout.open("r+b") as fh:
        fh.seek(size + 10)
        fh.write(b"bit rot")
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.complete_multipart_upload(key, upload_id, parts)
    assert info.value.status == 500
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.head_object(key)
