"""``update`` end to end against the sandbox, through the real SDK and oss2: happy path, refusals
before any upload, dry run, resumed uploads, retries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    Recorder,
    build_services,
    fast_options,
    ice_client,
    job_of,
    oss_bucket,
    register_video,
)
from validator.cloud.errors import CloudError
from validator.cloud.events import Outcome
from validator.cloud.flow import run_update
from validator.cloud.params import UpdateParams
from validator.cloud.retry import RetryPolicy
from validator.cloud.storage import content_digest, object_key
from validator.sandbox import Sandbox, ShiftedClock


def _create_job(sb: Sandbox, **fields: Any) -> str:
    from alibabacloud_ice20201109 import models

    ice = ice_client(sb)
    job_id: str = ice.create_avatar_training_job(
        models.CreateAvatarTrainingJobRequest(avatar_name="t", **fields)
    ).body.data.job_id
    return job_id


def _uploaded(services: Any, path: Path) -> bool:
    key = object_key("avatar-preflight/", content_digest(path), path)
    return services.store.head(key) is not None


def test_happy_path_upload_register_update_submit_wait(
    sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    job_id = _create_job(sandbox)
    services = build_services(sandbox, cache_dir)
    sink = Recorder()
    result = run_update(
        UpdateParams(job_id, video=str(videos["alpha"]), submit=True, wait=True),
        lambda: services,
        fast_options(),
        sink,
    )
    assert result.outcome is Outcome.DONE, result.problems
    assert result.job is not None and result.job.status == "Success"
    assert result.transparent is True  # derived from the VP9 alpha, sent because auto
    actions = [r.action for r in result.requests]
    assert actions == [
        "MultipartUpload",
        "RegisterMediaInfo",
        "UpdateAvatarTrainingJob",
        "SubmitAvatarTrainingJob",
    ]
    update = result.requests[2].params
    assert set(update) == {"JobId", "Video", "Transparent"}  # only the fields that change
    assert update["Transparent"] is True
    assert [e.step.value for e in sink.kinds("start")][:3] == ["params", "video", "job"]
    assert sink.kinds("progress")[-1].done == videos["alpha"].stat().st_size

    # Run again with the same file: same key, nothing uploaded, same media asset (ClientToken).
    again = run_update(UpdateParams(job_id, video=str(videos["alpha"])), lambda: services, fast_options())
    upload = again.media[0].upload
    assert upload is not None and upload.skipped
    assert again.media[0].media_id == result.media[0].media_id
    assert not any(r.action == "UpdateAvatarTrainingJob" for r in again.requests)  # nothing changes


def test_dry_run_sends_nothing(sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path) -> None:
    job_id = _create_job(sandbox)
    services = build_services(sandbox, cache_dir)
    result = run_update(
        UpdateParams(job_id, video=str(videos["opaque"]), name="新名字", submit=True),
        lambda: services,
        fast_options(dry_run=True),
    )
    assert result.outcome is Outcome.DRY_RUN
    assert services.ice.calls == ["GetAvatarTrainingJob"]  # type: ignore[attr-defined]
    assert [r.action for r in result.requests] == [
        "PutObject" if videos["opaque"].stat().st_size < 256 * 1024 else "MultipartUpload",
        "RegisterMediaInfo",
        "UpdateAvatarTrainingJob",
        "SubmitAvatarTrainingJob",
    ]
    assert result.requests[2].params["AvatarName"] == "新名字"
    assert result.requests[2].params["Transparent"] is False
    assert not _uploaded(services, videos["opaque"])
    assert job_of(ice_client(sandbox), job_id).video is None


def test_declared_transparent_contradicting_video_is_refused_before_upload(
    sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    job_id = _create_job(sandbox)
    services = build_services(sandbox, cache_dir)
    connected: list[bool] = []
    result = run_update(
        UpdateParams(job_id, video=str(videos["alpha"]), transparent=False),
        lambda: connected.append(True) or services,
        fast_options(),
    )  # type: ignore[func-returns-value]
    assert result.outcome is Outcome.REFUSED
    assert [p.rule for p in result.problems] == ["transparent-mismatch"]
    assert connected == []  # refused before any network call
    assert not _uploaded(services, videos["alpha"])


def _submitted(sb: Sandbox, videos: dict[str, Path], transparent: bool = False) -> str:
    from alibabacloud_ice20201109 import models

    ice = ice_client(sb)
    bucket = oss_bucket(sb)
    media = register_video(ice, bucket, videos["opaque"])
    job_id = _create_job(sb, video=media, transparent=transparent)
    ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=job_id))
    return job_id


@pytest.mark.parametrize(
    ("shift", "params", "rule"),
    [
        (0, dict(transparent=True), "job-state-transparent"),  # Queuing
        (61, dict(video="alpha"), "job-state-video"),  # Training
        (0, dict(video="opaque2"), "job-state-video"),  # Queuing
        (200, dict(thumbnail="https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png"), "job-state-thumbnail"),
        (200, dict(video="alpha"), "job-state-transparent"),  # Success: alpha video needs Transparent=true
    ],
)
def test_job_state_refusals_happen_before_upload(
    slow: Sandbox, videos: dict[str, Path], cache_dir: Path, shift: float, params: dict[str, Any], rule: str
) -> None:
    job_id = _submitted(slow, videos)
    assert isinstance(slow.clock, ShiftedClock)
    slow.clock.shift(shift)
    if params.get("video") == "alpha":
        params = {**params, "video": str(videos["alpha"])}
    elif params.get("video") == "opaque2":
        params = {**params, "video": str(videos["opaque"])}
    services = build_services(slow, cache_dir)
    result = run_update(UpdateParams(job_id, **params), lambda: services, fast_options())
    assert result.outcome is Outcome.REFUSED
    assert rule in [p.rule for p in result.problems]
    assert services.ice.calls == ["GetAvatarTrainingJob"]  # type: ignore[attr-defined]
    if "video" in params:
        assert not _uploaded(services, Path(params["video"]))


def test_interrupted_upload_resumes_without_resending_parts(
    sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    path = videos["opaque"]
    size = path.stat().st_size
    total_parts = -(-size // (100 * 1024))
    assert total_parts >= 4, "the test needs a multipart upload"
    job_id = _create_job(sandbox)
    sandbox.faults.set(drop_upload_part_after_bytes=4096, drop_upload_part_times=1)
    first: list[int] = []
    no_retry = RetryPolicy(attempts=1)
    with pytest.raises(CloudError) as info:
        run_update(
            UpdateParams(job_id, video=str(path)),
            lambda: build_services(sandbox, cache_dir, retry=no_retry, parts=first),
            fast_options(),
        )
    assert info.value.code == "NetworkError" and info.value.service == "OSS"
    assert sorted(set(first)) == list(range(1, total_parts + 1))  # every part was tried once

    second: list[int] = []
    sink = Recorder()
    result = run_update(
        UpdateParams(job_id, video=str(path)),
        lambda: build_services(sandbox, cache_dir, retry=no_retry, parts=second),
        fast_options(),
        sink,
    )
    assert result.outcome is Outcome.DONE
    upload = result.media[0].upload
    assert upload is not None and not upload.skipped
    assert len(second) == 1  # only the dropped part went again
    resent = min(100 * 1024, size - 100 * 1024 * (second[0] - 1))
    assert upload.resumed_bytes == size - resent


def test_dropped_part_is_retried_in_the_same_run(
    sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    job_id = _create_job(sandbox)
    sandbox.faults.set(drop_upload_part_after_bytes=0, drop_upload_part_times=2)
    retries: list[tuple[Any, ...]] = []
    result = run_update(
        UpdateParams(job_id, video=str(videos["opaque"])),
        lambda: build_services(sandbox, cache_dir, on_retry=lambda *a: retries.append(a)),
        fast_options(),
    )
    assert result.outcome is Outcome.DONE
    upload = result.media[0].upload
    assert upload is not None and upload.attempts >= 2
    assert retries and retries[0][0] == "oss"


def test_throttling_and_server_errors_are_retried(
    sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    job_id = _create_job(sandbox)
    sandbox.faults.set(
        throttle_share=0.3, throttle_retry_after_ms=20, error_share=0.2, services=["ice"], seed=3
    )
    retries: list[tuple[Any, ...]] = []
    services = build_services(sandbox, cache_dir, on_retry=lambda *a: retries.append(a))
    result = run_update(
        UpdateParams(job_id, video=str(videos["opaque"]), submit=True, wait=True),
        lambda: services,
        fast_options(),
    )
    sandbox.faults.clear()
    assert result.outcome is Outcome.DONE and result.job is not None and result.job.status == "Success"
    codes = {a[3].code for a in retries}
    assert "Throttling.User" in codes
    assert codes & {"InternalError", "ServiceUnavailable"}
    throttled = [a for a in retries if a[3].code == "Throttling.User"]
    assert all(a[2] >= 0.02 for a in throttled)  # never sooner than x-acs-retry-after asked


def test_client_errors_are_not_retried_and_carry_the_request_id(sandbox: Sandbox, cache_dir: Path) -> None:
    services = build_services(sandbox, cache_dir)
    with pytest.raises(CloudError) as info:
        run_update(UpdateParams("f" * 32, name="x"), lambda: services, fast_options())
    error = info.value
    assert error.code.startswith("NotFound") and error.status == 404
    assert error.request_id and error.request_id in str(error)
    assert services.ice.calls == ["GetAvatarTrainingJob"]  # type: ignore[attr-defined]
