"""The judgements of ``jobs --audit``: what a job's state, its media and its video mean for it. Pure.

A job that can still be submitted (``Init``, ``Fail``) is judged as the next submit will meet it: no
Video is an error (SubmitAvatarTrainingJob refuses), a mismatched Transparent an error that can
still be fixed with ``update``. A job that is training (``Queuing``, ``Training``) keeps its errors:
it will fail or its avatar will malfunction, and nothing about it can change until it ends. A job
already trained (``Success``) cannot be changed at all: its errors become warnings that say what
they mean for the avatar it has, so an audit of finished work does not fail a build, yet a
mismatch trained into an avatar is still shown. An unknown status is judged like a submittable
job's video but is not told it misses media: the service has shown statuses outside the five.
"""

from __future__ import annotations

from dataclasses import replace

from validator.cloud.errors import CloudError
from validator.cloud.jobs import JobStatus, JobView, MediaView
from validator.cloud.jobstate import BUSY, EDITABLE_TRANSPARENT
from validator.errors import PreflightError
from validator.findings import FileReport, Finding, Severity, sort_findings

SUBMITTABLE = EDITABLE_TRANSPARENT
"""``Init`` and ``Fail``: the states SubmitAvatarTrainingJob accepts (the same two in which
Transparent can change; the sandbox states the service's rule on its own)."""
RULE_IDS = frozenset(
    {
        "job-video-missing",
        "job-portrait-missing",
        "job-media-not-found",
        "job-media-state",
        "job-media-unreadable",
        "job-unreadable",
    }
)
"""The rules this module reports (``transparent-mismatch`` and the video rules come from the check)."""
NEW_JOB = "avatar-preflight update --job-id new --name NAME --video VIDEO --transparent auto --submit"
"""The way out for a job that can no longer change."""
PREPARING = frozenset({"Init", "Preparing"})
"""Media states that end by themselves: an asset on its way to ``Normal`` or ``PrepareFail``."""


def missing_media(job: JobView) -> list[Finding]:
    """``job-video-missing`` and ``job-portrait-missing`` for a job that can be submitted."""
    if job.status not in SUBMITTABLE:
        return []
    found = []
    if not job.video:
        found.append(
            Finding(
                "job-video-missing",
                Severity.ERROR,
                f"the job is {job.status} and has no Video: SubmitAvatarTrainingJob will refuse it",
                "a Video media ID",
                "none",
                f"avatar-preflight update --job-id {job.job_id} --video VIDEO (a file, an OSS URL or a "
                "media ID); the video is checked before it is set.",
            )
        )
    if not job.portrait:
        found.append(
            Finding(
                "job-portrait-missing",
                Severity.WARNING,
                f"the job is {job.status} and has no Portrait (the square picture of the avatar)",
                "a Portrait media ID",
                "none",
                f"avatar-preflight update --job-id {job.job_id} --portrait IMAGE (a square JPEG/PNG or a "
                "media ID).",
            )
        )
    return found


def media_problem(job_id: str, role: str, media_id: str, view: MediaView | None) -> Finding | None:
    """``job-media-not-found`` or ``job-media-state`` for the job's Video or Portrait asset."""
    what = role.capitalize()
    if view is None:
        return Finding(
            "job-media-not-found",
            Severity.ERROR,
            f"the job's {what} is media {media_id}, which GetMediaInfo does not know (deleted, or another "
            "account's)",
            "an existing media asset",
            "not found",
            f"Register the {role} again and set it: avatar-preflight update --job-id {job_id} "
            f"--{role} FILE_OR_OSS_URL.",
        )
    if view.status == "Normal":
        return None
    if view.status in PREPARING:
        return Finding(
            "job-media-state",
            Severity.WARNING,
            f"the job's {what} media {media_id} is still {view.status}: it cannot be checked yet",
            "Normal",
            view.status,
            "Run the audit again once the service has prepared the media (usually a minute).",
        )
    return Finding(
        "job-media-state",
        Severity.ERROR,
        f"the job's {what} media {media_id} is {view.status}: the service could not prepare it, and "
        "training on it fails",
        "Normal",
        view.status,
        f"Check the {role} (avatar-preflight check FILE), upload and register it again, and set the new "
        f"media ID: avatar-preflight update --job-id {job_id} --{role} FILE.",
    )


def unreadable_media(role: str, media_id: str, error: PreflightError) -> Finding:
    """``job-media-unreadable``: GetMediaInfo refused, or the asset's file cannot be read."""
    return Finding(
        "job-media-unreadable",
        Severity.ERROR,
        f"the job's {role.capitalize()} media {media_id} could not be read: {_reason(error)}",
        f"a readable {role}",
        _code(error),
        "Check that the media and the object behind it still exist and that these credentials may read "
        "them (ice:GetMediaInfo, oss:GetObject); register the file again if it was deleted.",
    )


def unreadable_job(job_id: str, error: PreflightError) -> Finding:
    """``job-unreadable``: GetAvatarTrainingJob failed (after its retries)."""
    return Finding(
        "job-unreadable",
        Severity.ERROR,
        f"the job could not be read: {_reason(error)}",
        "GetAvatarTrainingJob answers",
        _code(error),
        f"Run avatar-preflight status {job_id}; if the service keeps refusing, quote its request ID to "
        "support.",
    )


def video_findings(job: JobView, report: FileReport) -> tuple[Finding, ...]:
    """The check's findings on the job's video, worded for the job: ``transparent-mismatch`` about the
    job's own flag, with the ``update`` command that fixes it."""
    return tuple(_for_job(job, f, report) if f.rule == "transparent-mismatch" else f for f in report.findings)


def in_context(job: JobView, findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Every finding as the job's state makes it matter (see the module docstring), errors first."""
    if job.status == JobStatus.SUCCESS.value:
        return sort_findings([_trained(job, f) if f.severity is Severity.ERROR else f for f in findings])
    if job.status in BUSY:
        return sort_findings([_training(job, f) if f.severity is Severity.ERROR else f for f in findings])
    return sort_findings(findings)


def declared_flag(job: JobView) -> bool:
    """The Transparent the service trains with: an unset flag is taken as opaque video (inferred, as
    the sandbox does)."""
    return bool(job.transparent)


def _for_job(job: JobView, finding: Finding, report: FileReport) -> Finding:
    derived = report.transparent
    evidence = report.facts.alpha.summary if report.facts is not None else ""
    flag = "unset (taken as false)" if job.transparent is None else str(job.transparent).lower()
    says = "carries an" if derived else "has no"
    wanted = str(derived).lower()
    return replace(
        finding,
        message=f"the job's Transparent is {flag}, but its video {says} alpha channel"
        + (f" ({evidence})" if evidence else ""),
        fix=f"avatar-preflight update --job-id {job.job_id} --transparent {wanted} (possible while the job "
        "is Init or Fail), or set the video that was meant with --video.",
    )


def _training(job: JobView, finding: Finding) -> Finding:
    return replace(
        finding,
        message=f"{finding.message} (the job is {job.status}: its training will fail or the avatar will "
        "malfunction)",
        fix=f"Nothing can change until training ends (avatar-preflight status {job.job_id}). If it fails: "
        f"{finding.fix or 'fix this, then submit again'} If it succeeds, train a new job: {NEW_JOB}.",
    )


def _trained(job: JobView, finding: Finding) -> Finding:
    meaning = (
        "the avatar was trained with this flag and may malfunction"
        if finding.rule == "transparent-mismatch"
        else "the avatar is already trained on this"
    )
    return replace(
        finding,
        severity=Severity.WARNING,
        message=f"{finding.message} (the job is Success: {meaning})",
        fix=f"A trained job cannot change; if the avatar misbehaves, train a new one: {NEW_JOB}.",
    )


def _reason(error: PreflightError) -> str:
    return error.describe() if isinstance(error, CloudError) else str(error)


def _code(error: PreflightError) -> str:
    return error.code if isinstance(error, CloudError) else type(error).__name__
