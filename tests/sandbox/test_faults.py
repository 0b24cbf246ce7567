"""Fault injection: throttling, server errors, latency and a dropped upload part."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import oss2
import pytest
from alibabacloud_ice20201109 import models
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)

from tests.helpers import ice_client, oss_bucket
from validator.sandbox import FaultConfig, Sandbox, SandboxConfig, Service


def _list(ice: Any) -> Any:
    return ice.list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest())


def test_throttling_with_retry_after(sandbox: Sandbox, ice: Any) -> None:
    sandbox.faults.set(throttle_share=1.0, throttle_retry_after_ms=1500)
    with pytest.raises(ThrottlingException) as info:
        _list(ice)
    assert (info.value.code, info.value.retry_after) == ("Throttling.User", 1500)


def test_throttling_without_retry_after(sandbox: Sandbox, ice: Any) -> None:
    sandbox.faults.set(throttle_share=1.0)
    with pytest.raises(ClientException) as info:
        _list(ice)
    assert not isinstance(info.value, ThrottlingException)
    assert (info.value.status_code, info.value.code) == (400, "Throttling.User")


def test_server_errors(sandbox: Sandbox, ice: Any) -> None:
    sandbox.faults.set(error_share=1.0, seed=7)
    seen = set()
    for _ in range(12):
        with pytest.raises(ServerException) as info:
            _list(ice)
        seen.add((info.value.status_code, info.value.code))
    assert seen == {(500, "InternalError"), (503, "ServiceUnavailable")}


def test_seed_makes_faults_repeatable(sandbox: Sandbox, ice: Any) -> None:
    def run() -> list[str]:
        sandbox.faults.set(throttle_share=0.3, error_share=0.2, seed=42)
        outcomes = []
        for _ in range(20):
            try:
                _list(ice)
                outcomes.append("ok")
            except (ClientException, ServerException) as exc:
                outcomes.append(exc.code)
        return outcomes

    first = run()
    assert first == run()
    assert "ok" in first and len(set(first)) > 1


def test_faults_can_target_one_service(sandbox: Sandbox, ice: Any, bucket: Any) -> None:
    sandbox.faults.set(error_share=1.0, services=["oss"])
    assert _list(ice).body.success
    with pytest.raises(oss2.exceptions.ServerError) as info:
        bucket.put_object("k", b"v")
    assert info.value.status in (500, 503)


def test_latency(sandbox: Sandbox, ice: Any) -> None:
    sandbox.faults.set(latency_ms=300, services=[Service.ICE])
    started = time.monotonic()
    _list(ice)
    assert time.monotonic() - started >= 0.3


def test_dropped_upload_part_then_resume(sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = oss_bucket(sandbox)
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 * 512 * 1024))
    store = oss2.ResumableStore(root=str(tmp_path))

    def upload() -> None:
        oss2.resumable_upload(bucket, "resume.bin", str(source), store=store,
                              multipart_threshold=1024 * 1024, part_size=512 * 1024)

    sandbox.faults.set(drop_upload_part_after_bytes=100_000, drop_upload_part_times=1)
    with pytest.raises(oss2.exceptions.RequestError):
        upload()
    upload()  # resumes from the stored record: ListParts, the missing parts, Complete
    assert bucket.get_object("resume.bin").read() == source.read_bytes()


def test_faults_given_at_start(tmp_path: Path) -> None:
    config_faults = FaultConfig(throttle_share=1.0, throttle_retry_after_ms=10)
    with Sandbox(SandboxConfig(data_dir=tmp_path, faults=config_faults)) as sandbox:
        with pytest.raises(ThrottlingException):
            _list(ice_client(sandbox))
        sandbox.reset()  # reset restores the configured faults, not none
        with pytest.raises(ThrottlingException):
            _list(ice_client(sandbox))


def test_invalid_fault_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="throttle_share"):
        FaultConfig(throttle_share=1.5)
    with pytest.raises(ValueError, match="exceed"):
        FaultConfig(throttle_share=0.6, error_share=0.6)
