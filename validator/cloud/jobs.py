"""What the ICE service says about jobs and media, as plain frozen values.

The SDK answers with models whose every field may be ``None`` and whose numbers are strings; these are
the parsed, typed views the rest of the tool reads. Job status stays a string: the service has shown
values outside the documented five (:class:`validator.jobstatus.JobStatus`), and an unknown status
must be carried, not crash.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.jobstatus import FINAL, JobStatus

__all__ = ["FINAL", "JobPage", "JobStatus", "JobView", "MediaView", "integer", "number"]


@dataclass(frozen=True)
class JobView:
    """GetAvatarTrainingJob's ``Data.AvatarTrainingJob`` (list items lack the last three fields)."""

    job_id: str
    status: str
    avatar_name: str | None = None
    avatar_description: str | None = None
    avatar_id: str | None = None
    avatar_type: str | None = None
    message: str | None = None
    portrait: str | None = None
    thumbnail: str | None = None
    video: str | None = None
    transparent: bool | None = None
    first_training_time: str | None = None
    last_training_time: str | None = None
    create_time: str | None = None


@dataclass(frozen=True)
class JobPage:
    """One page of ListAvatarTrainingJobs."""

    total: int
    jobs: tuple[JobView, ...]


@dataclass(frozen=True)
class MediaView:
    """GetMediaInfo, reduced to what the checks compare."""

    media_id: str
    status: str
    """``Init``, ``Preparing``, ``PrepareFail``, ``Normal``."""
    file_url: str | None = None
    input_url: str | None = None
    format_name: str | None = None
    file_size: int | None = None
    width: int | None = None
    """The video stream's coded width (``VideoStreamInfoList[0].Width``), else the file's."""
    height: int | None = None
    duration: float | None = None
    """The video stream's duration when given, else the file's."""
    pix_fmt: str | None = None
    codec: str | None = None


def number(value: object) -> float | None:
    """A float from the SDK's strings; ``None`` for missing or unparsable values."""
    if value is None or value == "":
        return None
    try:
        return float(str(value))
    except ValueError:
        return None


def integer(value: object) -> int | None:
    parsed = number(value)
    return None if parsed is None else int(parsed)
