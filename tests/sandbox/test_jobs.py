"""The avatar-training job API: parameter rules, state rules and the training verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alibabacloud_ice20201109 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.helpers import TEST_BUCKET as BUCKET
from tests.helpers import job_of, register_video, wait_until

THUMB = f"https://{BUCKET}.oss-cn-shanghai.aliyuncs.com/thumbs/a.png"


def _create(ice: Any, name: str = "demo", **fields: Any) -> str:
    request = models.CreateAvatarTrainingJobRequest(avatar_name=name, avatar_type="2DAvatar",
                                                    **fields)
    return str(ice.create_avatar_training_job(request).body.data.job_id)


def _update(ice: Any, job_id: str, **fields: Any) -> Any:
    return ice.update_avatar_training_job(
        models.UpdateAvatarTrainingJobRequest(job_id=job_id, **fields))


def _submit(ice: Any, job_id: str) -> Any:
    return ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=job_id))


def _code(call: Any) -> tuple[int, str]:
    with pytest.raises(ClientException) as info:
        call()
    return info.value.status_code, info.value.code


def _finished(ice: Any, job_id: str) -> Any:
    return wait_until(lambda: job_of(ice, job_id), lambda j: j.status in ("Success", "Fail"))


def test_create_and_get(ice: Any) -> None:
    job_id = _create(ice, "数字人主播测试", avatar_description="d", thumbnail=THUMB)
    assert len(job_id) == 32
    job = job_of(ice, job_id)
    assert (job.job_id, job.avatar_name, job.status) == (job_id, "数字人主播测试", "Init")
    assert (job.avatar_description, job.thumbnail, job.avatar_type) == ("d", THUMB, "2DAvatar")


@pytest.mark.parametrize(("fields", "code"), [
    ({"avatar_name": "eightchr"}, "InvalidParameter.AvatarName"),
    ({"avatar_description": "x" * 1001}, "InvalidParameter.AvatarDescription"),
    ({"thumbnail": "https://example.com/a.png"}, "InvalidParameter.Thumbnail"),
    ({"thumbnail": THUMB + "x" * 512}, "InvalidParameter.Thumbnail"),
    ({"video": "a" * 31}, "InvalidParameter.Video"),
    ({"portrait": "a" * 33}, "InvalidParameter.Portrait"),
])
def test_parameter_rules(ice: Any, fields: dict[str, Any], code: str) -> None:
    job_id = _create(ice)
    assert _code(lambda: _update(ice, job_id, **fields)) == (400, code)


def test_limits_themselves_are_accepted(ice: Any) -> None:
    job_id = _create(ice, "七个字的名字吗")
    _update(ice, job_id, avatar_description="x" * 1000, video="a" * 32, portrait="b" * 32)
    job = job_of(ice, job_id)
    assert (job.avatar_name, len(job.avatar_description)) == ("七个字的名字吗", 1000)
    assert (job.video, job.portrait) == ("a" * 32, "b" * 32)


def test_missing_and_unknown(ice: Any) -> None:
    assert _code(lambda: ice.create_avatar_training_job(
        models.CreateAvatarTrainingJobRequest(avatar_type="2DAvatar"))) == (400, "MissingAvatarName")
    assert _code(lambda: job_of(ice, "0" * 32))[0] == 404
    assert _code(lambda: _submit(ice, _create(ice))) == (400, "InvalidParameter.Video")


def test_list_paging_and_status_filter(ice: Any) -> None:
    ids = [_create(ice, f"job{i}") for i in range(5)]
    page = ice.list_avatar_training_jobs(
        models.ListAvatarTrainingJobsRequest(page_no=2, page_size=2)).body.data
    assert page.total_count == 5
    assert len(page.avatar_training_job_list) == 2
    item = page.avatar_training_job_list[0]
    assert item.job_id in ids and item.create_time and item.status == "Init"
    none = ice.list_avatar_training_jobs(
        models.ListAvatarTrainingJobsRequest(status="Success")).body.data
    assert none.total_count == 0 and none.avatar_training_job_list == []
    assert _code(lambda: ice.list_avatar_training_jobs(
        models.ListAvatarTrainingJobsRequest(page_size=101)))[1] == "InvalidParameter.PageSize"
    assert _code(lambda: ice.list_avatar_training_jobs(
        models.ListAvatarTrainingJobsRequest(status="Bogus")))[1] == "InvalidParameter.Status"


def test_delete(ice: Any) -> None:
    job_id = _create(ice)
    ice.delete_avatar_training_job(models.DeleteAvatarTrainingJobRequest(job_id=job_id))
    assert _code(lambda: job_of(ice, job_id))[0] == 404


def test_life_cycle_to_success(ice: Any, bucket: Any, videos: dict[str, Path]) -> None:
    job_id = _create(ice, thumbnail=THUMB)
    media_id = register_video(ice, bucket, videos["opaque"])
    _update(ice, job_id, video=media_id, transparent=False)
    _submit(ice, job_id)
    seen: set[str] = set()

    def finished(job: Any) -> bool:
        seen.add(job.status)
        return job.status in ("Success", "Fail")

    job = wait_until(lambda: job_of(ice, job_id), finished)
    assert job.status == "Success", job.message
    assert {"Queuing", "Training"} <= seen
    assert job.avatar_id and job.first_training_time and job.last_training_time
    assert (job.video, job.transparent) == (media_id, False)
    # Trained: the thumbnail is frozen, and Transparent is no longer editable.
    assert _code(lambda: _update(ice, job_id, thumbnail=THUMB.replace("a.png", "b.png"))) == \
        (400, "InvalidParameter.Thumbnail")
    assert _code(lambda: _update(ice, job_id, transparent=True)) == \
        (400, "InvalidParameter.Transparent")
    _update(ice, job_id, avatar_name="renamed")  # other fields stay editable
    assert _code(lambda: _submit(ice, job_id)) == (400, "InvalidParameter.JobStatus")


def test_mismatched_transparent_fails_training_then_fix_succeeds(
    ice: Any, bucket: Any, videos: dict[str, Path]
) -> None:
    job_id = _create(ice)
    media_id = register_video(ice, bucket, videos["opaque"])
    _update(ice, job_id, video=media_id, transparent=True)  # the mistake the product prevents
    _submit(ice, job_id)
    assert _code(lambda: _update(ice, job_id, transparent=False)) == \
        (400, "InvalidParameter.Transparent")  # not while Queuing/Training
    failed = _finished(ice, job_id)
    assert failed.status == "Fail"
    assert "transparent-mismatch" in failed.message
    assert "Transparent=True" in failed.message

    _update(ice, job_id, transparent=False)  # allowed again in Fail
    _submit(ice, job_id)
    assert _finished(ice, job_id).status == "Success"


def test_alpha_video_needs_transparent_true(ice: Any, bucket: Any, videos: dict[str, Path]) -> None:
    media_id = register_video(ice, bucket, videos["alpha"])
    wrong, right = _create(ice, "wrong"), _create(ice, "right")
    _update(ice, wrong, video=media_id)  # Transparent left unset: treated as False
    _update(ice, right, video=media_id, transparent=True)
    _submit(ice, wrong)
    _submit(ice, right)
    assert "transparent-mismatch" in _finished(ice, wrong).message
    assert _finished(ice, right).status == "Success"


def test_rule_breaking_video_fails_with_reason(ice: Any, bucket: Any,
                                                videos: dict[str, Path]) -> None:
    job_id = _create(ice)
    _update(ice, job_id, video=register_video(ice, bucket, videos["short"]), transparent=False)
    _submit(ice, job_id)
    failed = _finished(ice, job_id)
    assert failed.status == "Fail" and failed.message


def test_unknown_video_media_fails_training(ice: Any) -> None:
    job_id = _create(ice)
    _update(ice, job_id, video="0" * 32)
    _submit(ice, job_id)
    failed = _finished(ice, job_id)
    assert failed.status == "Fail" and "does not exist" in failed.message
