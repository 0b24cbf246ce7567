"""The server itself: restarts keep state, loopback only, control paths, errors never leak."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_ice20201109 import models

from tests.helpers import FAST, job_of, oss_bucket, register_video, wait_until
from tests.helpers import ice_client as make_ice
from validator.sandbox import ProbeOutcome, Sandbox, SandboxConfig, SandboxError


def test_restart_keeps_jobs_media_objects_and_keys(tmp_path: Path, videos: dict[str, Path]) -> None:
    config = SandboxConfig(data_dir=tmp_path / "state", **FAST)  # type: ignore[arg-type]
    with Sandbox(config) as first:
        keys = (first.access_key_id, first.access_key_secret)
        ice, bucket = make_ice(first), oss_bucket(first)
        media_id = register_video(ice, bucket, videos["opaque"])
        job_id = ice.create_avatar_training_job(models.CreateAvatarTrainingJobRequest(
            avatar_name="keep", video=media_id, transparent=False)).body.data.job_id
        ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=job_id))
    with Sandbox(config) as second:  # a new port, the same state
        assert (second.access_key_id, second.access_key_secret) == keys
        ice, bucket = make_ice(second), oss_bucket(second)
        assert bucket.get_object(f"videos/{videos['opaque'].name}").read() == \
            videos["opaque"].read_bytes()
        info = ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.media_info
        assert info.media_basic_info.status == "Normal"
        job = wait_until(lambda: job_of(ice, job_id), lambda j: j.status in ("Success", "Fail"))
        assert job.status == "Success", job.message  # training went on across the restart


def test_a_multipart_upload_goes_on_across_a_restart(tmp_path: Path) -> None:
    """Parts stored before a restart stay as they were: a later part of another size never lands on
    them, and the object is the parts chosen."""
    import os

    import oss2

    config = SandboxConfig(data_dir=tmp_path / "state", **FAST)  # type: ignore[arg-type]
    bodies = [os.urandom(200 * 1024), os.urandom(200 * 1024), os.urandom(150 * 1024)]
    done = []
    with Sandbox(config) as first:
        bucket = oss_bucket(first)
        upload_id = bucket.init_multipart_upload("r.bin").upload_id
        for number in (1, 2):
            done.append((number, bucket.upload_part("r.bin", upload_id, number, bodies[number - 1])))
    with Sandbox(config) as second:
        bucket = oss_bucket(second)
        done.append((3, bucket.upload_part("r.bin", upload_id, 3, bodies[2])))
        parts = [
            oss2.models.PartInfo(n, r.etag, size=len(bodies[n - 1]), part_crc=r.crc) for n, r in done
        ]
        bucket.complete_multipart_upload("r.bin", upload_id, parts)
        assert bucket.get_object("r.bin").read() == b"".join(bodies)


def test_configured_keys_and_default_temp_dir() -> None:
    sandbox = Sandbox(SandboxConfig(access_key_id="LTAI5tFixedKeyForCI00000",
                                    access_key_secret="fixed-secret"))
    with sandbox:
        assert sandbox.access_key_id == "LTAI5tFixedKeyForCI00000"
        data_dir = sandbox.data_dir
        assert data_dir is not None and data_dir.is_dir()
        described = sandbox.describe().splitlines()
        assert f"export AVATAR_PREFLIGHT_ENDPOINT={sandbox.endpoint}" in described
        assert "export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tFixedKeyForCI00000" in described
        ice = make_ice(sandbox)
        assert ice.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest()).body.success
    assert not data_dir.exists()  # a temporary directory goes away with the sandbox


def test_refuses_other_interfaces() -> None:
    with pytest.raises(SandboxError, match="loopback"):
        SandboxConfig(host="0.0.0.0")
    SandboxConfig(host="0.0.0.0", allow_remote=True)  # only when told explicitly
    SandboxConfig(host="::1")


def _http(sandbox: Sandbox, path: str, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"{sandbox.oss_endpoint}{path}", data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_control_paths(sandbox: Sandbox, bucket: Any) -> None:
    assert _http(sandbox, "/-/sandbox/health")[0] == 200
    assert _http(sandbox, "/-/sandbox/faults")[0] == 403
    secret = {"x-sandbox-secret": sandbox.access_key_secret}
    status, _, body = _http(sandbox, "/-/sandbox/faults", "PUT",
                            json.dumps({"latency_ms": 5}).encode(), secret)
    assert status == 200 and json.loads(body)["latency_ms"] == 5
    bucket.put_object("k", b"v")
    assert _http(sandbox, "/-/sandbox/reset", "POST", b"", secret)[0] == 200
    assert not bucket.object_exists("k")
    assert sandbox.faults.config.latency_ms == 0


def test_unsigned_requests_get_service_errors(sandbox: Sandbox) -> None:
    status, headers, body = _http(sandbox, "/some-bucket/key")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    assert headers["x-oss-request-id"]
    status, _, body = _http(sandbox, "/?Action=ListAvatarTrainingJobs", "POST", b"")
    error = json.loads(body)
    assert status == 400 and error["Code"] == "IncompleteSignature"
    assert {"RequestId", "HostId", "Code", "Message", "Recommend"} <= set(error)


def test_probe_crash_is_a_failed_preparation_not_a_500(tmp_path: Path) -> None:
    def exploding_probe(path: Path, transparent: bool | None) -> ProbeOutcome:
        raise RuntimeError("boom")

    config = SandboxConfig(data_dir=tmp_path, **FAST)  # type: ignore[arg-type]
    with Sandbox(config, probe=exploding_probe) as sandbox:
        ice, bucket = make_ice(sandbox), oss_bucket(sandbox)
        bucket.put_object("v.mp4", b"x")
        media_id = ice.register_media_info(models.RegisterMediaInfoRequest(
            input_url="oss://sandbox-tests/v.mp4")).body.media_id
        status = wait_until(
            lambda: ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id))
            .body.media_info.media_basic_info.status,
            lambda s: s != "Preparing")
        assert status == "PrepareFail"


def test_unexpected_errors_become_500_bodies(sandbox: Sandbox, ice: Any) -> None:
    app = sandbox._running_app()
    original = app.ice.handle

    def broken(action: str, params: dict[str, str]) -> dict[str, Any]:
        raise KeyError("a bug")

    app.ice.handle = broken  # type: ignore[method-assign]
    try:
        from alibabacloud_tea_openapi.exceptions import ServerException

        with pytest.raises(ServerException) as info:
            ice.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest())
        assert (info.value.status_code, info.value.code) == (500, "InternalError")
        assert "Traceback" not in str(info.value.data)
    finally:
        app.ice.handle = original  # type: ignore[method-assign]
