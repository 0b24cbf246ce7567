"""The ICE RPC actions the sandbox serves, with the documented parameter rules.

Each action takes the request's parameters (strings, as they arrive on the wire) and returns the
response body without ``RequestId`` (the server adds it). Rules on values live here; rules on job
state live in :mod:`validator.sandbox.jobs`. Codes for broken rules follow the gateway's pattern,
``Missing<Param>`` and ``InvalidParameter.<Param>``; the exact codes the service uses for the
avatar rules are not published, so these are inferred.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from validator.jobstatus import JobStatus
from validator.sandbox.clock import iso8601
from validator.sandbox.errors import ApiError, invalid, missing
from validator.sandbox.jobs import Job, Jobs
from validator.sandbox.media import MediaAsset, MediaLibrary, is_public_oss_url

VERSION = "2020-11-09"
MAX_NAME = 7
MAX_DESCRIPTION = 1000
MAX_THUMBNAIL = 512
MEDIA_ID_LENGTH = 32
MAX_PAGE_SIZE = 100

Params = dict[str, str]
Body = dict[str, Any]


class IceApi:
    """Dispatches RPC actions to the job and media stores."""

    def __init__(self, jobs: Jobs, media: MediaLibrary) -> None:
        self._jobs = jobs
        self._media = media
        self._actions: dict[str, Callable[[Params], Body]] = {
            "CreateAvatarTrainingJob": self.create_job,
            "GetAvatarTrainingJob": self.get_job,
            "ListAvatarTrainingJobs": self.list_jobs,
            "UpdateAvatarTrainingJob": self.update_job,
            "SubmitAvatarTrainingJob": self.submit_job,
            "DeleteAvatarTrainingJob": self.delete_job,
            "RegisterMediaInfo": self.register_media,
            "GetMediaInfo": self.get_media,
        }

    def handle(self, action: str, params: Params) -> Body:
        """Run one action; unknown actions get the gateway's 404."""
        handler = self._actions.get(action)
        if handler is None:
            raise ApiError(
                404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."
            )
        return handler(params)

    # -- avatar training jobs ------------------------------------------------------------------

    def create_job(self, params: Params) -> Body:
        name = params.get("AvatarName")
        if not name:
            raise missing("AvatarName")
        fields = _job_fields(params)
        job = self._jobs.create(**fields)
        return {"Success": True, "Data": {"JobId": job.job_id}}

    def get_job(self, params: Params) -> Body:
        job = self._jobs.get(_required(params, "JobId"))
        return {"Success": True, "Data": {"AvatarTrainingJob": _job_view(job)}}

    def list_jobs(self, params: Params) -> Body:
        page_no = _int_param(params, "PageNo", 1, 1, None)
        page_size = _int_param(params, "PageSize", 10, 1, MAX_PAGE_SIZE)
        status = None
        if params.get("Status"):
            try:
                status = JobStatus(params["Status"])
            except ValueError as exc:
                allowed = ", ".join(s.value for s in JobStatus)
                raise invalid("Status", f"Status must be one of {allowed}.") from exc
        total, jobs = self._jobs.page(status, page_no, page_size)
        return {
            "Success": True,
            "Data": {"TotalCount": total, "AvatarTrainingJobList": [_list_view(j) for j in jobs]},
        }

    def update_job(self, params: Params) -> Body:
        job_id = _required(params, "JobId")
        job = self._jobs.update(job_id, _job_fields(params))
        return {"Success": True, "Data": {"JobId": job.job_id}}

    def submit_job(self, params: Params) -> Body:
        job = self._jobs.submit(_required(params, "JobId"))
        return {"Success": True, "Data": {"JobId": job.job_id}}

    def delete_job(self, params: Params) -> Body:
        job_id = _required(params, "JobId")
        self._jobs.delete(job_id)
        return {"Success": True, "Data": {"JobId": job_id}}

    # -- media ---------------------------------------------------------------------------------

    def register_media(self, params: Params) -> Body:
        input_url = _required(params, "InputURL")
        token = params.get("ClientToken") or None
        if token is not None and len(token) > 64:
            raise invalid("ClientToken", "ClientToken must be at most 64 characters.")
        asset = self._media.register(
            input_url,
            client_token=token,
            overwrite=_bool(params, "Overwrite") or False,
            media_type=params.get("MediaType") or None,
            title=params.get("Title") or None,
            description=params.get("Description") or None,
            business_type=params.get("BusinessType") or None,
            user_data=params.get("UserData") or None,
        )
        return {"MediaId": asset.media_id}

    def get_media(self, params: Params) -> Body:
        media_id, input_url = params.get("MediaId"), params.get("InputURL")
        if not media_id and not input_url:
            raise missing("MediaId")
        asset = self._media.get(media_id, input_url)
        return {"MediaInfo": _media_view(asset)}


def _required(params: Params, name: str) -> str:
    value = params.get(name)
    if not value:
        raise missing(name)
    return value


def _bool(params: Params, name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    raise invalid(name, f"{name} must be true or false, not {value!r}.")


def _int_param(params: Params, name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid(name, f"{name} must be an integer.") from exc
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise invalid(name, f"{name} must be {bound}.")
    return value


def _job_fields(params: Params) -> dict[str, Any]:
    """The job columns present in Create/Update parameters, each checked against its rule."""
    fields: dict[str, Any] = {}
    name = params.get("AvatarName")
    if name is not None:
        if not 1 <= len(name) <= MAX_NAME:
            raise invalid(
                "AvatarName", f"AvatarName must be 1 to {MAX_NAME} characters; {name!r} has {len(name)}."
            )
        fields["avatar_name"] = name
    description = params.get("AvatarDescription")
    if description is not None:
        if len(description) > MAX_DESCRIPTION:
            raise invalid(
                "AvatarDescription",
                f"AvatarDescription must be at most {MAX_DESCRIPTION} characters; it has {len(description)}.",
            )
        fields["avatar_description"] = description
    if params.get("AvatarType"):
        fields["avatar_type"] = params["AvatarType"]
    thumbnail = params.get("Thumbnail")
    if thumbnail:
        if len(thumbnail) > MAX_THUMBNAIL:
            raise invalid(
                "Thumbnail", f"Thumbnail must be at most {MAX_THUMBNAIL} characters; it has {len(thumbnail)}."
            )
        if not is_public_oss_url(thumbnail):
            raise invalid(
                "Thumbnail", "Thumbnail must be an OSS URL (https://BUCKET.oss-REGION.aliyuncs.com/KEY)."
            )
        fields["thumbnail"] = thumbnail
    for param, column in (("Portrait", "portrait"), ("Video", "video")):
        value = params.get(param)
        if value:
            if len(value) != MEDIA_ID_LENGTH:
                raise invalid(
                    param,
                    f"{param} must be a {MEDIA_ID_LENGTH}-character media ID; "
                    f"{value!r} has {len(value)} characters.",
                )
            fields[column] = value
    transparent = _bool(params, "Transparent")
    if transparent is not None:
        fields["transparent"] = transparent
    return fields


def _times(job: Job) -> dict[str, str]:
    out = {}
    if job.first_training_time is not None:
        out["FirstTrainingTime"] = iso8601(job.first_training_time)
    if job.last_training_time is not None:
        out["LastTrainingTime"] = iso8601(job.last_training_time)
    return out


def _list_view(job: Job) -> Body:
    view: Body = {
        "JobId": job.job_id,
        "AvatarId": job.avatar_id,
        "AvatarName": job.avatar_name,
        "AvatarDescription": job.avatar_description,
        "AvatarType": job.avatar_type,
        "Status": job.status.value,
        "Message": job.message,
        "Portrait": job.portrait,
        "CreateTime": iso8601(job.create_time),
        **_times(job),
    }
    return {k: v for k, v in view.items() if v is not None}


def _job_view(job: Job) -> Body:
    view = _list_view(job)
    del view["CreateTime"]
    view.update({"Thumbnail": job.thumbnail, "Video": job.video, "Transparent": job.transparent})
    return {k: v for k, v in view.items() if v is not None}


def _media_view(asset: MediaAsset) -> Body:
    basic = {
        "MediaId": asset.media_id,
        "InputURL": asset.input_url,
        "MediaType": asset.media_type,
        "BusinessType": asset.business_type,
        "Source": "oss",
        "Title": asset.title,
        "Description": asset.description,
        "UserData": asset.user_data,
        "Status": asset.status.value,
        "CreateTime": iso8601(asset.create_time),
        "ModifiedTime": iso8601(asset.modified_time),
    }
    view: Body = {
        "MediaId": asset.media_id,
        "MediaBasicInfo": {k: v for k, v in basic.items() if v is not None},
        "FileInfoList": [asset.info] if asset.info is not None else [],
    }
    return view
