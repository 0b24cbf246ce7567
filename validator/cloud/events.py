"""What the update flow tells its caller while it runs, and what it returns at the end.

The flow never prints: it reports :class:`Event` values to an injected sink (the command line draws
them as lines, a progress bar and a spinner) and returns one :class:`UpdateResult`, which the
formatters in :mod:`validator.cloud.report` render as text or JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from validator.cloud.jobs import JobView
from validator.cloud.params import RefKind
from validator.cloud.remote import RemoteRead
from validator.cloud.storage import UploadResult
from validator.findings import FileReport, Finding


class Step(str, Enum):
    """The steps of ``update``, in order."""

    PARAMS = "params"
    PORTRAIT = "portrait"
    VIDEO = "video"
    JOB = "job"
    UPLOAD = "upload"
    REGISTER = "register"
    UPDATE = "update"
    SUBMIT = "submit"
    WAIT = "wait"


class EventKind(str, Enum):
    """What an event says about its step."""

    START = "start"
    DONE = "done"
    INFO = "info"
    PROGRESS = "progress"
    """Upload progress: ``done`` and ``total`` bytes."""
    RETRY = "retry"
    """A request failed in a way a retry can cure; the flow waits and tries again."""
    POLL = "poll"
    """A status read while waiting (``message`` is the status)."""


@dataclass(frozen=True)
class Event:
    """One thing worth showing."""

    step: Step
    kind: EventKind
    message: str
    done: int | None = None
    total: int | None = None


Sink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """A sink that shows nothing."""


class Outcome(str, Enum):
    """How ``update`` ended; the command line maps each to an exit code."""

    DONE = "done"
    """Everything asked for was done (exit 0)."""
    DRY_RUN = "dry-run"
    """Steps 1-4 passed; nothing was sent (exit 0)."""
    REFUSED = "refused"
    """A parameter, the video or the job's state forbids the change (exit 1)."""
    TRAINING_FAILED = "training-failed"
    """``--wait`` saw the job end in ``Fail`` (exit 4, with the service's message)."""
    CANCELLED = "cancelled"
    """The person declined the confirmation (exit 1); nothing was sent."""


@dataclass(frozen=True)
class Request:
    """One request the flow sent, or in a dry run would send, with its parameters by wire name."""

    service: str
    """``ICE`` or ``OSS``."""
    action: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class MediaOutcome:
    """What happened to one Video or Portrait argument."""

    role: str
    """``video`` or ``portrait``."""
    given: str
    kind: RefKind
    media_id: str | None = None
    input_url: str | None = None
    upload: UploadResult | None = None
    remote: RemoteRead | None = None
    """For media already in the cloud: what checking it remotely cost."""


@dataclass(frozen=True)
class UpdateResult:
    """Everything ``update`` did, or would do."""

    outcome: Outcome
    job_id: str
    problems: tuple[Finding, ...] = ()
    """Why the change was refused (parameters, portrait, video, job state, media cross-check)."""
    video: FileReport | None = None
    """The video's check report (local or remote)."""
    media: tuple[MediaOutcome, ...] = ()
    requests: tuple[Request, ...] = ()
    """Requests that change something, in order: sent, or (dry run) to be sent."""
    job: JobView | None = None
    """The job as last read."""
    transparent: bool | None = None
    """The Transparent value in force after the update, when known."""
    notes: tuple[str, ...] = field(default=())
