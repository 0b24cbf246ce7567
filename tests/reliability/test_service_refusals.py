"""Wrong credentials, clock skew, a deleted job, a job changed by someone else between the state check
and the update: each ends in exit 4 with the service's code, the request ID and what to do."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import create_job, ice_client, oss_bucket, register_video, run_cli, sandbox_env
from validator.sandbox import Logged, Sandbox

Done = subprocess.CompletedProcess[str]


def _invoke(args: list[str], env: dict[str, str]) -> Done:
    """In a fresh interpreter: the credential chain reads the environment it starts with."""
    return run_cli(args, env)


def _refused(result: Done, code: str, advice: str) -> None:
    assert result.returncode == 4, result.stderr
    error = result.stderr
    assert f"failed: {code}" in error and "request ID" in error, error
    assert "what to do:" in error and advice in error, error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("key", "secret", "code"),
    [
        ("LTAI5tNobodyKnowsThisKey", None, "InvalidAccessKeyId.NotFound"),
        (None, "not-the-secret", "SignatureDoesNotMatch"),
    ],
)
def test_wrong_credentials(
    sandbox: Sandbox, tmp_path: Path, key: str | None, secret: str | None, code: str
) -> None:
    job_id = create_job(sandbox)
    env = sandbox_env(sandbox, tmp_path, key_id=key, secret=secret)
    _refused(_invoke(["status", job_id], env), code, "ALIBABA_CLOUD_ACCESS_KEY_ID")


def test_clock_skew_on_ice_and_on_oss(sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path) -> None:
    job_id = create_job(sandbox)
    sandbox.clock.shift(16 * 60)  # type: ignore[attr-defined]
    env = sandbox_env(sandbox, tmp_path)
    _refused(_invoke(["status", job_id], env), "InvalidTimeStamp.Expired", "clock")
    # A new job uploads first: OSS sees the skew before ICE does.
    upload = _invoke(
        ["update", "--job-id", "new", "--name", "x", "--video", str(videos["opaque"]), "--yes"], env
    )
    _refused(upload, "RequestTimeTooSkewed", "clock")


def _after_first_read(sandbox: Sandbox, job_id: str, act: object) -> object:
    done: list[bool] = []

    def watch(entry: Logged) -> None:
        if entry.action == "GetAvatarTrainingJob" and entry.ok and not done:
            done.append(True)
            act()  # type: ignore[operator]

    return sandbox.requests.listen(watch)


def test_job_deleted_between_state_check_and_update(sandbox: Sandbox, tmp_path: Path) -> None:
    job_id = create_job(sandbox)
    jobs = sandbox._running_app().jobs
    stop = _after_first_read(sandbox, job_id, lambda: jobs.delete(job_id))
    result = _invoke(
        ["update", "--job-id", job_id, "--name", "gone", "--yes"], sandbox_env(sandbox, tmp_path)
    )
    stop()  # type: ignore[operator]
    _refused(result, "NotFound.AvatarTrainingJob", "does not exist")
    assert "UpdateAvatarTrainingJob" in result.stderr


def test_job_submitted_by_someone_else_between_state_check_and_update(
    slow: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    media_id = register_video(ice_client(slow), oss_bucket(slow), videos["opaque"])
    job_id = create_job(slow, video=media_id, transparent=False)
    jobs = slow._running_app().jobs
    stop = _after_first_read(slow, job_id, lambda: jobs.submit(job_id))
    env = sandbox_env(slow, tmp_path)
    result = _invoke(["update", "--job-id", job_id, "--video", str(videos["alpha"]), "--yes"], env)
    stop()  # type: ignore[operator]
    _refused(result, "InvalidParameter.", f"avatar-preflight status {job_id}")  # .Transparent
    assert slow.requests.count("UpdateAvatarTrainingJob") == 0  # refused by the service: nothing applied
    assert jobs.get(job_id).video == media_id
