"""What ``update`` uploads is proved by its content, and a lost answer is not taken for a failure.

An object already at the content-hash key is used only when its CRC-64 is the local file's (an object
of the same size with other bytes is uploaded over); a CompleteMultipartUpload or a submission carried
out whose answer was lost is found (by its CRC-64, by the job's state) and the run carries on; a lost
answer to CreateAvatarTrainingJob, which cannot be found, says a job may exist. The command line and
the flow run against the sandbox with the real oss2 and ICE SDK; parts are small so the opaque video
goes multipart.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import (
    RELIABILITY_BUCKET,
    Recorder,
    build_services,
    create_job,
    fast_options,
    ice_client,
    job_of,
    oss_bucket,
    run_cli,
    sandbox_env,
)
from validator.cloud.embedded import SANDBOX_BUCKET
from validator.cloud.events import Outcome
from validator.cloud.flow import run_update
from validator.cloud.params import UpdateParams
from validator.cloud.settings import DEFAULT_PREFIX
from validator.cloud.storage import content_digest, object_key
from validator.crc64 import crc64_of_file
from validator.sandbox import Sandbox

PART_SIZE = 100 * 1024


def _update(sb: Sandbox, home: Path, video: Path) -> tuple[int, str]:
    env = sandbox_env(sb, home, AVATAR_PREFLIGHT_PART_SIZE=str(PART_SIZE))
    done = run_cli(["update", "--job-id", "new", "--name", "rel", "--video", str(video), "--yes"], env)
    return done.returncode, done.stderr


def _stored_crc(sb: Sandbox, key: str) -> int | None:
    meta = sb._running_app().objects.head(RELIABILITY_BUCKET, key)
    return None if meta is None else meta.crc64


def _trained_video_key(sb: Sandbox) -> str:
    """The key of the object the one media asset registered in this run points at."""
    urls = [e.params.get("InputURL", "") for e in sb.requests.entries("RegisterMediaInfo", ok=True)]
    assert len(set(urls)) == 1, urls
    return urls[0].split(f"oss://{RELIABILITY_BUCKET}/", 1)[1]


def test_an_equal_size_object_with_other_bytes_is_uploaded_over(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    video = videos["opaque"]
    key = object_key(DEFAULT_PREFIX, content_digest(video), video)
    planted = bytearray(video.read_bytes())
    middle = len(planted) // 2  # inside the media data: the file still probes the same
    planted[middle : middle + 16] = bytes(b ^ 0xFF for b in planted[middle : middle + 16])
    oss_bucket(sandbox, name=RELIABILITY_BUCKET).put_object(key, bytes(planted))
    assert _stored_crc(sandbox, key) != crc64_of_file(video)

    code, stderr = _update(sandbox, tmp_path, video)

    assert code == 0, stderr
    assert "CRC-64 differs" in stderr and "uploading it again" in stderr
    assert "already uploaded" not in stderr
    assert _trained_video_key(sandbox) == key
    assert _stored_crc(sandbox, key) == crc64_of_file(video)  # what is trained on is the local file


def test_an_object_with_the_same_content_is_not_uploaded_again(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    video = videos["opaque"]
    key = object_key(DEFAULT_PREFIX, content_digest(video), video)
    oss_bucket(sandbox, name=SANDBOX_BUCKET).put_object_from_file(key, str(video))
    sink = Recorder()
    result = run_update(
        UpdateParams(create_job(sandbox), video=str(video)),
        lambda: build_services(sandbox, tmp_path / "cache"),
        fast_options(),
        sink,
    )
    assert result.outcome is Outcome.DONE, result.problems
    upload = result.media[0].upload
    assert upload is not None and upload.skipped
    assert any("already uploaded (same CRC-64)" in e.message for e in sink.kinds("done"))
    assert sandbox.requests.count("UploadPart", ok=None) == 0
    assert sandbox.requests.count("PutObject", ok=None) == 1  # the one above


def test_a_completed_upload_whose_answer_was_lost_carries_on(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    video = videos["opaque"]
    assert video.stat().st_size >= 4 * PART_SIZE  # multipart
    sandbox.faults.set(lose_answer_actions=["CompleteMultipartUpload"], lose_answer_times=1)

    code, stderr = _update(sandbox, tmp_path, video)

    assert code == 0, stderr
    assert "expired" not in stderr
    assert "answer to CompleteMultipartUpload was lost" in stderr
    key = _trained_video_key(sandbox)
    assert _stored_crc(sandbox, key) == crc64_of_file(video)
    assert sandbox.requests.count("UpdateAvatarTrainingJob", ok=True) == 1


def test_lost_answers_to_register_update_and_submit_carry_on(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    """RegisterMediaInfo and UpdateAvatarTrainingJob are sent again (one ClientToken, the same fields);
    SubmitAvatarTrainingJob is not, the job's state shows it was carried out."""
    job_id = create_job(sandbox)
    lost = ["RegisterMediaInfo", "UpdateAvatarTrainingJob", "SubmitAvatarTrainingJob"]
    sandbox.faults.set(lose_answer_actions=lost, lose_answer_times=1)
    sink = Recorder()
    result = run_update(
        UpdateParams(job_id, video=str(videos["opaque"]), submit=True),
        lambda: build_services(sandbox, tmp_path / "cache"),
        fast_options(),
        sink,
    )
    assert result.outcome is Outcome.DONE, result.problems
    assert any("answer to SubmitAvatarTrainingJob was lost" in e.message for e in sink.kinds("info"))
    log = sandbox.requests
    assert log.count("RegisterMediaInfo") == 2 and log.count("UpdateAvatarTrainingJob") == 2  # repeated
    assert len({e.result for e in log.entries("RegisterMediaInfo", ok=True)}) == 1  # one media asset
    assert log.count("SubmitAvatarTrainingJob") == 1  # not repeated
    job = job_of(ice_client(sandbox), job_id)
    assert job.video == result.media[0].media_id and job.status in ("Queuing", "Training", "Success")


def test_a_lost_answer_to_create_says_a_job_may_exist(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.faults.set(lose_answer_actions=["CreateAvatarTrainingJob"], lose_answer_times=1)
    done = run_cli(["update", "--job-id", "new", "--name", "rel", "--yes"], sandbox_env(sandbox, tmp_path))
    assert done.returncode == 4, done.stderr
    assert "CreateAvatarTrainingJob" in done.stderr and "--job-id" in done.stderr
    assert "running the command again is safe" not in done.stderr  # it would create a second job
    assert sandbox.requests.count("CreateAvatarTrainingJob", ok=True) == 1
