"""A sandbox killed in the middle of CompleteMultipartUpload, between putting the object's file in
place and committing its row, comes back with the upload finished: the object is there, whole, and a
repeated complete says the upload is gone (as OSS does once an upload is completed)."""

from __future__ import annotations

import os
from pathlib import Path

import oss2
import pytest

from tests.sandbox.process import SandboxProcess
from validator.crc64 import Crc64
from validator.sandbox.faults import CRASH_AT_ENV, CRASH_EXIT_CODE, CrashPoint

KIB = 1024
LAYOUTS = {
    # Parts of one size: the object is the file they were written into, renamed.
    "renamed": (200 * KIB, 200 * KIB, 50 * KIB),
    # A larger second part: the object is assembled by copying, then renamed.
    "copied": (200 * KIB, 300 * KIB, 50 * KIB),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_crash_between_the_rename_and_the_commit_finishes_at_restart(
    tmp_path: Path, layout: str
) -> None:
    data_dir, key = tmp_path / "sandbox", f"crash/{layout}.mp4"
    crash = {CRASH_AT_ENV: CrashPoint.COMPLETE_AFTER_RENAME.value}
    with SandboxProcess(data_dir, tmp_path, **crash) as first:
        bucket = first.bucket("crash")
        upload_id = bucket.init_multipart_upload(key).upload_id
        parts, whole = [], b""
        for number, size in enumerate(LAYOUTS[layout], start=1):
            data = os.urandom(size)
            parts.append(oss2.models.PartInfo(number, bucket.upload_part(key, upload_id, number, data).etag))
            whole += data
        with pytest.raises(oss2.exceptions.RequestError):  # the connection dies with the process
            bucket.complete_multipart_upload(key, upload_id, parts)
        assert first.wait(timeout=10) == CRASH_EXIT_CODE

    with SandboxProcess(data_dir, tmp_path) as second:
        bucket = second.bucket("crash")
        with pytest.raises(oss2.exceptions.NoSuchUpload):
            bucket.complete_multipart_upload(key, upload_id, parts)
        with pytest.raises(oss2.exceptions.NoSuchUpload):
            bucket.list_parts(key, upload_id)
        crc = Crc64()
        crc.update(whole)
        head = bucket.head_object(key)
        assert (head.content_length, head.server_crc) == (len(whole), crc.value)
        assert bucket.get_object(key).read() == whole
        assert not list((data_dir / "objects" / "parts").iterdir())  # nothing of the upload is left
