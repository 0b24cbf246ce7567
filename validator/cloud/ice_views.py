"""The SDK's answers as the tool's views: every field of an SDK model may be ``None`` and its numbers
strings; :class:`~validator.cloud.jobs.JobView` and :class:`~validator.cloud.jobs.MediaView` are
parsed and typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.cloud.jobs import JobView, MediaView, integer, number

if TYPE_CHECKING:
    from alibabacloud_ice20201109.models import (
        GetAvatarTrainingJobResponseBodyDataAvatarTrainingJob,
        GetMediaInfoResponseBodyMediaInfo,
        ListAvatarTrainingJobsResponseBodyDataAvatarTrainingJobList,
    )


def job_view(
    job: GetAvatarTrainingJobResponseBodyDataAvatarTrainingJob
    | ListAvatarTrainingJobsResponseBodyDataAvatarTrainingJobList
    | None,
    job_id: str,
) -> JobView:
    if job is None:
        return JobView(job_id, "Unknown")
    transparent = job.transparent if isinstance(getattr(job, "transparent", None), bool) else None
    return JobView(
        job_id=str(job.job_id or job_id),
        status=str(job.status or "Unknown"),
        avatar_name=job.avatar_name,
        avatar_description=job.avatar_description,
        avatar_id=job.avatar_id,
        avatar_type=job.avatar_type,
        message=job.message,
        portrait=job.portrait,
        thumbnail=getattr(job, "thumbnail", None),
        video=getattr(job, "video", None),
        transparent=transparent,
        first_training_time=job.first_training_time,
        last_training_time=job.last_training_time,
        create_time=getattr(job, "create_time", None),
    )


def media_view(info: GetMediaInfoResponseBodyMediaInfo | None, media_id: str) -> MediaView:
    basic = getattr(info, "media_basic_info", None)
    files = list(getattr(info, "file_info_list", None) or [])
    file_basic = files[0].file_basic_info if files and files[0].file_basic_info else None
    streams = list(getattr(files[0], "video_stream_info_list", None) or []) if files else []
    video = streams[0] if streams else None
    return MediaView(
        media_id=media_id,
        status=str(getattr(basic, "status", None) or "Unknown"),
        file_url=getattr(file_basic, "file_url", None),
        input_url=getattr(basic, "input_url", None),
        format_name=getattr(file_basic, "format_name", None),
        file_size=integer(getattr(file_basic, "file_size", None)),
        width=integer(getattr(video, "width", None)) or integer(getattr(file_basic, "width", None)),
        height=integer(getattr(video, "height", None)) or integer(getattr(file_basic, "height", None)),
        duration=number(getattr(video, "duration", None)) or number(getattr(file_basic, "duration", None)),
        pix_fmt=getattr(video, "pix_fmt", None),
        codec=getattr(video, "codec_name", None),
    )
