"""Avatar-training jobs: storage, the state rules, and the clock that moves them along.

A submitted job is ``Queuing`` for ``queue_seconds``, then ``Training`` for ``train_seconds``, then
gets its verdict. Progress is computed from the stored submit time whenever a job is read, so it
continues across restarts without a background thread; the verdict (which examines the video) is
reached once, under a lock, and stored.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from validator.jobstatus import JobStatus
from validator.sandbox.clock import Clock
from validator.sandbox.db import Database
from validator.sandbox.errors import ApiError, invalid

# The service's rules, enforced here independently of the client's prediction of them
# (validator/cloud/jobstate.py): see validator/jobstatus.py for why they are not shared.
EDITABLE_TRANSPARENT = frozenset({JobStatus.INIT, JobStatus.FAIL})
SUBMITTABLE = frozenset({JobStatus.INIT, JobStatus.FAIL})
BUSY = frozenset({JobStatus.QUEUING, JobStatus.TRAINING})
"""A job training on its media: Video and Portrait cannot change (inferred from the console)."""


@dataclass(frozen=True)
class Job:
    """One job as stored."""

    job_id: str
    avatar_id: str | None
    avatar_name: str
    avatar_description: str | None
    avatar_type: str | None
    thumbnail: str | None
    portrait: str | None
    video: str | None
    transparent: bool | None
    status: JobStatus
    message: str | None
    trained: bool
    """Whether the job has ever reached ``Success`` (freezes the thumbnail)."""
    create_time: float
    submit_time: float | None
    first_training_time: float | None
    last_training_time: float | None


Verdict = Callable[[Job], "str | None"]
"""Judge a job at the end of training: ``None`` for success, else the failure message."""

_COLUMNS = (
    "job_id",
    "avatar_id",
    "avatar_name",
    "avatar_description",
    "avatar_type",
    "thumbnail",
    "portrait",
    "video",
    "transparent",
    "status",
    "message",
    "trained",
    "create_time",
    "submit_time",
    "first_training_time",
    "last_training_time",
)


def new_id() -> str:
    """A 32-character lower-case hex identifier, the shape of ICE's job and media IDs."""
    return uuid.uuid4().hex


class Jobs:
    """The job table plus its life cycle."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        queue_seconds: float,
        train_seconds: float,
        verdict: Verdict,
    ) -> None:
        self._db = db
        self._clock = clock
        self._queue = queue_seconds
        self._train = train_seconds
        self._verdict = verdict
        # Serialises state changes of jobs (and the verdict, which may take a moment). Taken before
        # the database lock, never after it.
        self._guard = threading.RLock()

    def create(self, **fields: Any) -> Job:
        """Store a new ``Init`` job from the given column values."""
        job = Job(
            job_id=new_id(),
            avatar_id=None,
            avatar_name=fields["avatar_name"],
            avatar_description=fields.get("avatar_description"),
            avatar_type=fields.get("avatar_type"),
            thumbnail=fields.get("thumbnail"),
            portrait=fields.get("portrait"),
            video=fields.get("video"),
            transparent=fields.get("transparent"),
            status=JobStatus.INIT,
            message=None,
            trained=False,
            create_time=self._clock.now(),
            submit_time=None,
            first_training_time=None,
            last_training_time=None,
        )
        self._save(job, insert=True)
        return job

    def get(self, job_id: str) -> Job:
        """The job, advanced to the present; ``NotFound`` if there is none."""
        row = self._db.query_one("SELECT * FROM jobs WHERE job_id = ?", (job_id,))
        if row is None:
            raise not_found(job_id)
        return self._advance(_from_row(row))

    def update(self, job_id: str, changes: dict[str, Any]) -> Job:
        """Apply an UpdateAvatarTrainingJob, enforcing the state rules."""
        with self._guard:
            job = self.get(job_id)
            transparent = changes.get("transparent")
            if (
                transparent is not None
                and transparent != job.transparent
                and (job.status not in EDITABLE_TRANSPARENT)
            ):
                raise invalid(
                    "Transparent",
                    f"Transparent can only be changed while the job is "
                    f"Init or Fail; this job is {job.status.value}.",
                )
            for column, param in (("video", "Video"), ("portrait", "Portrait")):
                value = changes.get(column)
                if value is not None and value != getattr(job, column) and job.status in BUSY:
                    raise invalid(
                        param,
                        f"{param} cannot change while the job is "
                        f"{job.status.value}; wait until training ends.",
                    )
            thumbnail = changes.get("thumbnail")
            if thumbnail is not None and thumbnail != job.thumbnail and job.trained:
                raise invalid("Thumbnail", "Thumbnail cannot be changed once the avatar has been trained.")
            updated = replace(job, **{k: v for k, v in changes.items() if v is not None})
            self._save(updated)
            return updated

    def submit(self, job_id: str) -> Job:
        """Start (or restart after ``Fail``) training."""
        with self._guard:
            job = self.get(job_id)
            if job.status not in SUBMITTABLE:
                raise ApiError(
                    400,
                    "InvalidParameter.JobStatus",
                    f"The job is {job.status.value}; only a job in Init or Fail can be submitted.",
                )
            if not job.video:
                raise ApiError(
                    400,
                    "InvalidParameter.Video",
                    "The job has no Video; set one with UpdateAvatarTrainingJob before submitting.",
                )
            now = self._clock.now()
            submitted = replace(
                job,
                status=JobStatus.QUEUING,
                message=None,
                submit_time=now,
                first_training_time=job.first_training_time or now,
                last_training_time=now,
            )
            self._save(submitted)
            return submitted

    def delete(self, job_id: str) -> None:
        """Remove a job."""
        if self._db.execute("DELETE FROM jobs WHERE job_id = ?", (job_id,)) == 0:
            raise not_found(job_id)

    def page(self, status: JobStatus | None, page_no: int, page_size: int) -> tuple[int, list[Job]]:
        """One page of jobs, newest first, and the total matching ``status``."""
        for row in self._db.query(
            "SELECT * FROM jobs WHERE status IN (?, ?)",
            (JobStatus.QUEUING.value, JobStatus.TRAINING.value),
        ):
            self._advance(_from_row(row))
        where, params = ("WHERE status = ?", [status.value]) if status else ("", [])
        total_row = self._db.query_one(f"SELECT COUNT(*) AS n FROM jobs {where}", params)
        total = int(total_row["n"]) if total_row else 0
        rows = self._db.query(
            f"SELECT * FROM jobs {where} ORDER BY create_time DESC, job_id LIMIT ? OFFSET ?",
            [*params, page_size, (page_no - 1) * page_size],
        )
        return total, [_from_row(row) for row in rows]

    def _advance(self, job: Job) -> Job:
        if job.status not in (JobStatus.QUEUING, JobStatus.TRAINING) or job.submit_time is None:
            return job
        elapsed = self._clock.now() - job.submit_time
        if elapsed < self._queue:
            return job
        if elapsed < self._queue + self._train:
            if job.status is JobStatus.QUEUING:
                job = replace(job, status=JobStatus.TRAINING)
                self._save(job)
            return job
        with self._guard:
            row = self._db.query_one("SELECT * FROM jobs WHERE job_id = ?", (job.job_id,))
            if row is None:
                return job
            current = _from_row(row)
            if current.status not in (JobStatus.QUEUING, JobStatus.TRAINING) or (
                current.submit_time != job.submit_time
            ):
                return current  # another thread finished it, or it was resubmitted
            failure = self._verdict(current)
            if failure is None:
                done = replace(
                    current,
                    status=JobStatus.SUCCESS,
                    message=None,
                    trained=True,
                    avatar_id=current.avatar_id or new_id(),
                )
            else:
                done = replace(current, status=JobStatus.FAIL, message=failure)
            self._save(done)
            return done

    def _save(self, job: Job, *, insert: bool = False) -> None:
        values: list[Any] = []
        for column in _COLUMNS:
            value = getattr(job, column)
            if isinstance(value, JobStatus):
                value = value.value
            elif isinstance(value, bool):
                value = int(value)
            values.append(value)
        self._db.save_row("jobs", _COLUMNS, values, insert=insert)


def not_found(job_id: str) -> ApiError:
    """The answer for an unknown job ID (code inferred)."""
    return ApiError(404, "NotFound.AvatarTrainingJob", f"The avatar training job {job_id} does not exist.")


def _from_row(row: sqlite3.Row) -> Job:
    data = {column: row[column] for column in _COLUMNS}
    data["status"] = JobStatus(data["status"])
    data["trained"] = bool(data["trained"])
    if data["transparent"] is not None:
        data["transparent"] = bool(data["transparent"])
    return Job(**data)
