"""Step 4: what the job's state forbids, and which fields actually change. Pure, no I/O.

The service's rules (UpdateAvatarTrainingJob): Transparent changes only while the job is ``Init`` or
``Fail``; the Thumbnail is frozen once the avatar is trained; and a job that is ``Queuing`` or
``Training`` is busy with its video. Beyond them, the rule this tool exists for: the Transparent value
in force after the update (declared, derived, or the job's current one when only the video changes)
must agree with the new video's alpha evidence, or the avatar malfunctions; with no new video, it must
agree with the video the job already has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.cloud.jobs import JobStatus, JobView
from validator.findings import Finding, Severity

# The service's rules as this client predicts them; the sandbox enforces its own statement of them
# (validator/sandbox/jobs.py), so a wrong prediction fails a test (see validator/jobstatus.py).
EDITABLE_TRANSPARENT = frozenset({JobStatus.INIT, JobStatus.FAIL})
BUSY = frozenset({JobStatus.QUEUING, JobStatus.TRAINING})


@dataclass(frozen=True)
class Wanted:
    """The requested values, media given as IDs (or a placeholder for one registered later)."""

    name: str | None = None
    description: str | None = None
    thumbnail: str | None = None
    portrait: str | None = None
    video: str | None = None
    declared_transparent: bool | None = None
    """``--transparent true/false``; ``None`` is auto."""
    video_alpha: bool | None = None
    """The new video's derived Transparent (``None``: no new video, or no evidence)."""
    current_video_alpha: bool | None = None
    """With no new video: the derived Transparent of the video the job already has (``None``: not
    read, or no evidence)."""


@dataclass(frozen=True)
class Plan:
    """The fields to send and the refusals, if any."""

    fields: dict[str, object] = field(default_factory=dict)
    """UpdateAvatarTrainingJob parameters (wire names) whose value differs from the job's."""
    problems: tuple[Finding, ...] = ()

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def plan_update(job: JobView, wanted: Wanted) -> Plan:
    """Compare the request with the job: refusals first, then only the fields that change."""
    fields = _changed_fields(job, wanted)
    problems = _state_refusals(job, fields)
    target = wanted.declared_transparent
    if target is None and "Video" in fields:
        target = wanted.video_alpha
    transparent_refused = False
    if target is not None and target != job.transparent:
        if job.status in EDITABLE_TRANSPARENT:
            fields["Transparent"] = target
        else:
            transparent_refused = True
            problems.append(_transparent_frozen(job, target))
    in_force = target if target is not None else job.transparent
    if not transparent_refused and in_force is not None:
        problems.extend(_alpha_mismatch(in_force, wanted, new_video="Video" in fields))
    return Plan(fields if not problems else {}, tuple(problems))


def _changed_fields(job: JobView, wanted: Wanted) -> dict[str, object]:
    """The requested values that differ from the job's (Transparent is decided apart)."""
    fields: dict[str, object] = {}
    for wire, value, current in (
        ("AvatarName", wanted.name, job.avatar_name),
        ("AvatarDescription", wanted.description, job.avatar_description),
        ("Thumbnail", wanted.thumbnail, job.thumbnail),
        ("Portrait", wanted.portrait, job.portrait),
        ("Video", wanted.video, job.video),
    ):
        if value is not None and value != current:
            fields[wire] = value
    return fields


def _state_refusals(job: JobView, fields: dict[str, object]) -> list[Finding]:
    """What the job's state forbids among the changed fields: a new video while it trains, a new
    Thumbnail once it is trained."""
    status = job.status
    problems: list[Finding] = []
    if "Video" in fields and status in BUSY:
        problems.append(
            _refuse(
                "job-state-video",
                f"the job is {status}: its video cannot change until training ends",
                "Init, Fail or Success",
                status,
                "Wait for the job to finish (avatar-preflight status JOB_ID), then update it.",
            )
        )
    if "Thumbnail" in fields and (status == JobStatus.SUCCESS.value or job.avatar_id):
        problems.append(
            _refuse(
                "job-state-thumbnail",
                "the avatar has been trained: its Thumbnail can no longer change",
                "a job never trained",
                status,
                "Leave --thumbnail out, or create a new job.",
            )
        )
    return problems


def _transparent_frozen(job: JobView, target: bool) -> Finding:
    return _refuse(
        "job-state-transparent",
        f"Transparent can change only while the job is Init or Fail; it is {job.status} "
        f"(Transparent {_flag(job.transparent)} -> {_flag(target)})",
        "Init or Fail",
        job.status,
        "Wait for the job to fail or create a new job; do not train this one with a mismatched flag.",
    )


def _alpha_mismatch(in_force: bool, wanted: Wanted, *, new_video: bool) -> list[Finding]:
    """The rule this tool exists for: the Transparent in force must agree with the alpha evidence
    of the new video, or (no new video) of the video the job already has."""
    if new_video and wanted.video_alpha is not None and in_force != wanted.video_alpha:
        return [
            _refuse(
                "transparent-mismatch",
                f"the job's Transparent ({_flag(in_force)}) contradicts the new video's alpha evidence "
                f"({_flag(wanted.video_alpha)})",
                _flag(wanted.video_alpha),
                _flag(in_force),
                f"Pass --transparent {_flag(wanted.video_alpha)} (or auto) while the job is Init or Fail.",
            )
        ]
    existing = wanted.current_video_alpha
    if not new_video and existing is not None and in_force != existing:
        return [
            _refuse(
                "transparent-mismatch",
                f"Transparent ({_flag(in_force)}) contradicts the alpha evidence of the job's current video "
                f"({_flag(existing)})",
                _flag(existing),
                _flag(in_force),
                f"Pass --transparent {_flag(existing)}, or give the video that matches with --video.",
            )
        ]
    return []


def _flag(value: bool | None) -> str:
    return "unset" if value is None else str(value).lower()


def _refuse(rule: str, message: str, expected: str, actual: str, fix: str) -> Finding:
    return Finding(rule, Severity.ERROR, message, expected, actual, fix)
