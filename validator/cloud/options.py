"""What every step of the update flow is given: the request, the services, how to run, where events go.

Kept apart from :mod:`validator.cloud.flow` so that the step modules (:mod:`validator.cloud.media`,
:mod:`validator.cloud.planned`, :mod:`validator.cloud.send`) can name them without importing the flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from validator.cloud.events import Outcome, Sink, UpdateResult
from validator.cloud.ice import IceService
from validator.cloud.jobs import JobView
from validator.cloud.params import UpdateParams
from validator.cloud.storage import ObjectStore, UploadTuning
from validator.findings import FileReport, Finding
from validator.profile import Profile

if TYPE_CHECKING:
    from validator.cloud.events import MediaOutcome, Request


@dataclass(frozen=True, slots=True)
class Services:
    """The cloud, as the flow sees it."""

    ice: IceService
    store: ObjectStore


@dataclass(frozen=True, slots=True)
class FlowOptions:
    """How the flow runs."""

    region: str
    bucket: str | None
    """Upload bucket; required only when a local file must be uploaded."""
    prefix: str = "avatar-preflight/"
    profile: Profile = field(default_factory=Profile)
    dry_run: bool = False
    content: bool = False
    """``update --content``: a local video's content is checked too, and a content error refuses it."""
    tuning: UploadTuning = field(default_factory=UploadTuning)
    """Reported in a dry run's upload request."""
    poll_seconds: float = 10.0
    """Pause between GetAvatarTrainingJob reads while waiting."""
    media_poll_seconds: float = 1.0
    media_timeout_seconds: float = 900.0
    """Longest wait for a registered asset to leave ``Preparing``."""
    wait_timeout_seconds: float | None = None
    """Longest ``--wait``; ``None`` waits for the verdict however long training takes."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True, slots=True)
class Run:
    """What every step reads: the request, how to run, where events go."""

    params: UpdateParams
    options: FlowOptions
    emit: Sink

    def refused(
        self,
        problems: tuple[Finding, ...],
        *,
        video: FileReport | None = None,
        media: tuple[MediaOutcome, ...] = (),
        requests: tuple[Request, ...] = (),
        job: JobView | None = None,
    ) -> UpdateResult:
        """The result of a step that forbids the change."""
        return UpdateResult(
            outcome=Outcome.REFUSED,
            job_id=self.params.job_id,
            problems=problems,
            video=video,
            media=media,
            requests=requests,
            job=job,
        )
