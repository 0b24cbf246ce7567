"""``update``, steps 1 to 8: check everything locally, then touch the cloud only as far as is safe.

1. parameters; 2. portrait (a file: JPEG/PNG, square); 3. video (a local file probed before anything
is uploaded; media already in the cloud probed remotely with Range requests); 4. the job's state,
which may forbid the change, and the fields that really change (a Transparent set, or a job submitted,
with no new video is checked against the video the job already has); 5. upload (content-hash key,
resumable); 6. RegisterMediaInfo (ClientToken from the content), wait for ``Normal``, cross-check the
service's figures with the probe's; 7. UpdateAvatarTrainingJob with only the changed fields;
8. SubmitAvatarTrainingJob and, with ``wait``, poll until ``Success`` or ``Fail``.

Each step is a function that returns either a refusal (an :class:`UpdateResult`) or what the next
step needs; :func:`run_update` only chains them. Steps 1-4 live here, 5-8 in
:mod:`validator.cloud.send`. A dry run stops after step 4 and returns the requests it would send.
Services are reached through ``connect()``, called only once every local check has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from validator.cloud import media as media_steps
from validator.cloud.errors import CloudError, RemoteReadError
from validator.cloud.events import (
    Event,
    EventKind,
    MediaOutcome,
    Outcome,
    Request,
    Sink,
    Step,
    UpdateResult,
    ignore,
)
from validator.cloud.images import portrait_problems
from validator.cloud.jobs import JobStatus, JobView
from validator.cloud.jobstate import Plan, Wanted, plan_update
from validator.cloud.options import FlowOptions, Run, Services
from validator.cloud.params import CheckedParams, MediaRef, RefKind, UpdateParams, check_params
from validator.cloud.planned import PENDING_JOB, PENDING_PORTRAIT, PENDING_VIDEO, planned_requests
from validator.cloud.send import Planned, send_media, submit_and_wait, update_job, wait_for_job
from validator.errors import UsageError
from validator.findings import FileReport

Confirm = Callable[[tuple[Request, ...]], bool]
"""Shown the requests about to be sent; answers whether to send them."""


@dataclass(frozen=True, slots=True)
class Checked:
    """Steps 1-3, local: the classified arguments, and the local video's report when there is one."""

    refs: CheckedParams
    report: FileReport | None


@dataclass(frozen=True, slots=True)
class Known:
    """Step 3 done: the video's report (local or remote) and what is known of each medium so far."""

    refs: CheckedParams
    report: FileReport | None
    media: Mapping[str, MediaOutcome]


def run_update(
    params: UpdateParams,
    connect: Callable[[], Services],
    options: FlowOptions,
    sink: Sink = ignore,
    confirm: Confirm | None = None,
) -> UpdateResult:
    """Run the flow. Returns a result for every outcome a person caused (refusals included); raises
    :class:`~validator.cloud.errors.CloudError` when the cloud refuses or fails, and
    :class:`~validator.errors.UsageError` for a missing bucket. ``confirm`` is shown the requests
    about to be sent, after step 4, and may decline them."""
    run = Run(params, options, sink)
    checked = check_locally(run)
    if isinstance(checked, UpdateResult):
        return checked
    services = connect()
    known = check_remote_video(run, checked, services)
    if isinstance(known, UpdateResult):
        return known
    planned = plan_job(run, known, services)
    if isinstance(planned, UpdateResult):
        return planned
    stop = stop_before_sending(run, planned, confirm)
    if stop is not None:
        return stop
    sent = send_media(run, planned, services)
    if isinstance(sent, UpdateResult):
        return sent
    return submit_and_wait(run, update_job(run, sent, services), services)


def check_locally(run: Run) -> Checked | UpdateResult:
    """Steps 1-3 with nothing but local files: parameters, a portrait file, a video file. Every
    problem is reported at once; a local file to upload with no bucket is a usage error."""
    emit = run.emit
    emit(Event(Step.PARAMS, EventKind.START, "checking parameters"))
    refs = check_params(run.params, run.options.region)
    problems = list(refs.problems)
    emit(Event(Step.PARAMS, EventKind.DONE, f"{len(problems)} problem(s)" if problems else "parameters ok"))
    if refs.portrait is not None and refs.portrait.kind is RefKind.FILE:
        emit(Event(Step.PORTRAIT, EventKind.START, f"checking portrait {refs.portrait.value}"))
        found = portrait_problems(refs.portrait.value)
        problems.extend(found)
        emit(Event(Step.PORTRAIT, EventKind.DONE, "portrait is not usable" if found else "portrait ok"))
    report = None
    if refs.video is not None and refs.video.kind is RefKind.FILE:
        local = media_steps.check_local(refs.video.value, run.params.transparent, run.options.profile)
        if run.options.content:  # before anything is uploaded: a content error refuses the take
            from validator.content.run import content_report

            local = content_report(local, run.options.profile)
        report = _check_video(local, emit)
        problems.extend(report.errors)
    if problems:
        return run.refused(tuple(problems), video=report)
    if any(r is not None and r.kind is RefKind.FILE for r in (refs.video, refs.portrait)) and not (
        run.options.bucket
    ):
        raise UsageError(
            "a local file must be uploaded but no bucket is configured: pass --bucket, "
            "set AVATAR_PREFLIGHT_BUCKET or 'bucket' in [tool.avatar-preflight]"
        )
    return Checked(refs=refs, report=report)


def check_remote_video(run: Run, checked: Checked, services: Services) -> Known | UpdateResult:
    """Step 3 for a video already in the cloud: checked where it is, headers only."""
    video = checked.refs.video
    if video is None or video.kind is RefKind.FILE:
        return Known(refs=checked.refs, report=checked.report, media={})
    run.emit(Event(Step.VIDEO, EventKind.START, f"reading {video.value} remotely (headers only)"))
    remote = media_steps.check_remote(video, services, run.params.transparent, run.options)
    if run.options.content:  # not downloaded to be analysed: said, not passed over
        from validator.content.run import remote_report

        remote = replace(remote, report=remote_report(remote.report, run.options.profile))
    report = _check_video(remote.report, run.emit)
    media = {"video": _remote_outcome(video, remote)}
    if report.errors:
        return run.refused(report.errors, video=report, media=tuple(media.values()))
    return Known(refs=checked.refs, report=report, media=media)


def plan_job(run: Run, known: Known, services: Services) -> Planned | UpdateResult:
    """Step 4: read the job (a new one is ``Init`` and empty), and decide what its state allows and
    which fields really change. A Transparent set, or a job submitted, with no new video is checked
    against the video the job already has."""
    params, refs = run.params, known.refs
    run.emit(
        Event(
            Step.JOB,
            EventKind.START,
            "a new job will be created" if params.creates_job else "reading the job",
        )
    )
    job = (
        JobView(PENDING_JOB, JobStatus.INIT.value)
        if params.creates_job
        else services.ice.get_job(params.job_id)
    )
    wanted = Wanted(
        name=None if params.creates_job else params.name,
        description=None if params.creates_job else params.description,
        thumbnail=params.thumbnail,
        portrait=_planned_id(refs.portrait, known.media.get("portrait"), PENDING_PORTRAIT),
        video=_planned_id(refs.video, known.media.get("video"), PENDING_VIDEO),
        declared_transparent=params.transparent,
        video_alpha=known.report.transparent if known.report is not None else None,
    )
    plan = plan_update(job, wanted)
    report, media = known.report, dict(known.media)
    # No new video, but a flag set or a job submitted: the flag must suit the video the job has.
    if (
        not plan.refused
        and refs.video is None
        and job.video
        and (params.transparent is not None or params.submit)
    ):
        current_ref = MediaRef(RefKind.MEDIA_ID, job.video)
        current = _check_current_video(current_ref, services, run.options, run.emit)
        if current is not None:
            report = current.report
            media["video"] = _remote_outcome(current_ref, current)
            plan = plan_update(job, replace(wanted, current_video_alpha=report.transparent))
    if plan.refused:
        run.emit(Event(Step.JOB, EventKind.DONE, f"the job is {job.status}: refused"))
        return run.refused(plan.problems, video=report, media=tuple(media.values()), job=job)
    changing = ", ".join(plan.fields) or "nothing"
    run.emit(Event(Step.JOB, EventKind.DONE, f"job is {job.status}; changing {changing}"))
    return Planned(
        refs=refs, report=report, media=media, job=job, fields=plan.fields, in_force=_in_force(plan, job)
    )


def stop_before_sending(run: Run, planned: Planned, confirm: Confirm | None) -> UpdateResult | None:
    """After step 4: a dry run ends here with the requests it would send; a declined confirmation
    ends here with nothing sent. ``None``: go on."""
    if not run.options.dry_run and confirm is None:
        return None
    refs = planned.refs
    requests = tuple(planned_requests(run.params, refs.video, refs.portrait, planned.fields, run.options))
    if run.options.dry_run:
        outcome = Outcome.DRY_RUN
    elif confirm is not None and not confirm(requests):
        outcome = Outcome.CANCELLED
    else:
        return None
    return UpdateResult(
        outcome=outcome,
        job_id=run.params.job_id,
        video=planned.report,
        media=tuple(planned.media.values()),
        requests=requests,
        job=planned.job,
        transparent=planned.in_force,
    )


def _in_force(plan: Plan, job: JobView) -> bool | None:
    """The Transparent value the job will have once the fields are sent."""
    transparent = plan.fields.get("Transparent", job.transparent)
    return transparent if isinstance(transparent, bool) else None


def _check_video(report: FileReport, emit: Sink) -> FileReport:
    emit(Event(Step.VIDEO, EventKind.START, f"checking video {report.path}"))
    flag = report.transparent
    emit(
        Event(
            Step.VIDEO,
            EventKind.DONE,
            f"{report.verdict.value}; Transparent={'unknown' if flag is None else str(flag).lower()}"
            + (f" ({len(report.errors)} error(s))" if report.errors else ""),
        )
    )
    return report


def _check_current_video(
    ref: MediaRef, services: Services, options: FlowOptions, emit: Sink
) -> media_steps.RemoteCheck | None:
    """The job's existing video, read remotely, for a Transparent set (or submitted) without a new
    video. ``None`` when it cannot be read: the flag is then not checked against it, and a note says so."""
    emit(Event(Step.VIDEO, EventKind.START, f"reading the job's current video {ref.value} (headers only)"))
    try:
        current = media_steps.check_remote(ref, services, None, options)
    except (CloudError, RemoteReadError) as exc:
        emit(
            Event(
                Step.VIDEO,
                EventKind.INFO,
                f"cannot read the job's current video ({exc}); Transparent is not checked against it",
            )
        )
        return None
    _check_video(current.report, emit)
    return current


def _remote_outcome(ref: MediaRef, check: media_steps.RemoteCheck) -> MediaOutcome:
    """A video in the cloud, as the result reports it: where it is and what reading it cost."""
    return MediaOutcome(
        role="video",
        given=ref.value,
        kind=ref.kind,
        media_id=check.media_id,
        input_url=check.input_url,
        remote=check.read,
    )


def _planned_id(ref: MediaRef | None, outcome: MediaOutcome | None, placeholder: str) -> str | None:
    if ref is None:
        return None
    if ref.kind is RefKind.MEDIA_ID:
        return ref.value
    if outcome is not None and outcome.media_id:
        return outcome.media_id
    return placeholder


__all__ = ["FlowOptions", "Services", "run_update", "wait_for_job"]
