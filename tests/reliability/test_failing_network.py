"""Against the sandbox's fault injection, with the real clients: 30% throttled answers and 10% 5xx on
both ICE and OSS. ``update`` still completes, its retries are on screen, and the service side sees
exactly one media asset and one applied update per run.

The command line runs once (its request order is deterministic: single-part upload, media ready at
the first read); the flow runs over several seeds with multipart uploads, submission and waiting.
``RELIABILITY_SEEDS=N`` runs N seeds instead of the default.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    FAST_RETRY,
    SMALL_PARTS,
    build_services,
    create_job,
    fast_options,
    run_cli,
    sandbox_env,
)
from tests.helpers import RELIABILITY_BUCKET as BUCKET
from validator.cloud.embedded import SANDBOX_BUCKET
from validator.cloud.events import Outcome
from validator.cloud.flow import run_update
from validator.cloud.params import UpdateParams
from validator.cloud.retry import RetryPolicy
from validator.crc64 import crc64_of_file
from validator.sandbox import Sandbox, SandboxConfig

THROTTLE, ERRORS = 0.3, 0.1
CLI_SEED = 25  # faults on both services, of both kinds, in the first dozen requests
FLOW_SEEDS = range(1, 1 + int(os.environ.get("RELIABILITY_SEEDS", "6")))


@pytest.fixture(scope="module")
def ready_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """Media ready at the first read, so a run's requests come in one fixed order."""
    config = SandboxConfig(
        data_dir=tmp_path_factory.mktemp("faulty"), queue_seconds=0.1, train_seconds=0.2, prepare_seconds=0
    )
    with Sandbox(config) as sb:
        yield sb


def _stored_crc(sb: Sandbox, bucket: str, key: str) -> int:
    meta = sb._running_app().objects.head(bucket, key)
    assert meta is not None, f"oss://{bucket}/{key} is missing"
    return meta.crc64


def _one_asset_one_update(sb: Sandbox) -> str:
    """The service-side invariants of one run; returns the media ID."""
    log = sb.requests
    registered = {e.result for e in log.entries("RegisterMediaInfo", ok=True)}
    assert len(registered) == 1, registered  # retries (ClientToken) never made a second asset
    assert log.count("UpdateAvatarTrainingJob") == 1
    return registered.pop() or ""


def test_cli_update_completes_under_throttling_and_5xx(
    ready_sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    sb = ready_sandbox
    sb.reset()
    job_id = create_job(sb)
    sb.faults.set(throttle_share=THROTTLE, error_share=ERRORS, seed=CLI_SEED)
    path = videos["opaque"]
    done = run_cli(
        ["-v", "update", "--job-id", job_id, "--video", str(path), "--yes", "--format", "json"],
        sandbox_env(sb, tmp_path),
        timeout=120,
    )
    sb.faults.clear()
    assert done.returncode == 0, done.stderr
    retries = [line for line in done.stderr.splitlines() if "; retry " in line or "; resuming in " in line]
    assert any("Throttling.User" in line for line in retries), done.stderr
    assert any("InternalError" in line or "ServiceUnavailable" in line for line in retries), done.stderr
    assert all("request ID" in line for line in retries)  # what to quote to support
    failed = [e for e in sb.requests.entries() if not e.ok]
    assert len(failed) >= 2  # the faults really happened
    media_id = _one_asset_one_update(sb)
    import json

    document = json.loads(done.stdout)
    assert document["media"][0]["media_id"] == media_id
    upload = document["media"][0]["upload"]
    assert _stored_crc(sb, BUCKET, upload["key"]) == crc64_of_file(path) == int(upload["crc64"])


@pytest.mark.parametrize("seed", FLOW_SEEDS)
def test_flow_multipart_submit_wait_under_faults(
    ready_sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path, seed: int
) -> None:
    sb = ready_sandbox
    sb.reset()
    job_id = create_job(sb)
    sb.faults.set(throttle_share=THROTTLE, error_share=ERRORS, throttle_retry_after_ms=5, seed=seed)
    path = videos["alpha"]
    services = build_services(sb, tmp_path / "cache", retry=FAST_RETRY, tuning=SMALL_PARTS)
    result = run_update(
        UpdateParams(job_id, video=str(path), submit=True, wait=True), lambda: services, fast_options()
    )
    sb.faults.clear()
    assert result.outcome is Outcome.DONE, result.problems
    assert result.job is not None and result.job.status == "Success", result.job
    media_id = _one_asset_one_update(sb)
    assert sb.requests.count("SubmitAvatarTrainingJob") == 1
    assert result.media[0].media_id == media_id
    upload = result.media[0].upload
    assert upload is not None and path.stat().st_size >= 4 * SMALL_PARTS.part_size  # multipart
    assert _stored_crc(sb, SANDBOX_BUCKET, upload.key) == crc64_of_file(path)


def test_retry_budget_is_finite(ready_sandbox: Sandbox, tmp_path: Path) -> None:
    """Every answer throttled: the flow gives up after the policy's tries with the service's code."""
    from validator.cloud.errors import CloudError

    sb = ready_sandbox
    sb.reset()
    job_id = create_job(sb)
    sb.faults.set(throttle_share=1.0, services=["ice"])
    services = build_services(sb, tmp_path / "cache", retry=RetryPolicy(attempts=3, base_seconds=0.001))
    with pytest.raises(CloudError) as info:
        run_update(UpdateParams(job_id, name="x"), lambda: services, fast_options())
    sb.faults.clear()
    assert info.value.code == "Throttling.User"
    assert sb.requests.count("GetAvatarTrainingJob", ok=False) == 3
