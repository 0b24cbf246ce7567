"""``update``, steps 1 to 8: check everything locally, then touch the cloud only as far as is safe.

1. parameters; 2. portrait (a file: JPEG/PNG, square); 3. video (a local file probed before anything
is uploaded; media already in the cloud probed remotely with Range requests); 4. the job's state,
which may forbid the change, and the fields that really change (a Transparent set, or a job submitted,
with no new video is checked against the video the job already has); 5. upload (content-hash key,
resumable); 6. RegisterMediaInfo (ClientToken from the content), wait for ``Normal``, cross-check the
service's figures with the probe's; 7. UpdateAvatarTrainingJob with only the changed fields;
8. SubmitAvatarTrainingJob and, with ``wait``, poll until ``Success`` or ``Fail``.

A dry run stops after step 4 and returns the requests it would send. Services are reached through
``connect()``, called only once every local check has passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
from validator.cloud.ice import IceService
from validator.cloud.images import portrait_problems, read_image_info
from validator.cloud.jobs import FINAL, JobStatus, JobView
from validator.cloud.jobstate import Wanted, plan_update
from validator.cloud.params import MediaRef, RefKind, UpdateParams, check_params
from validator.cloud.planned import PENDING_JOB, PENDING_PORTRAIT, PENDING_VIDEO, compact, planned_requests
from validator.cloud.storage import ObjectStore, UploadTuning
from validator.errors import UsageError
from validator.findings import FileReport
from validator.profile import Profile


@dataclass(frozen=True)
class Services:
    """The cloud, as the flow sees it."""

    ice: IceService
    store: ObjectStore


@dataclass(frozen=True)
class FlowOptions:
    """How the flow runs."""

    region: str
    bucket: str | None
    """Upload bucket; required only when a local file must be uploaded."""
    prefix: str = "avatar-preflight/"
    profile: Profile = field(default_factory=Profile)
    dry_run: bool = False
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


def run_update(
    params: UpdateParams,
    connect: Callable[[], Services],
    options: FlowOptions,
    sink: Sink = ignore,
    confirm: Callable[[tuple[Request, ...]], bool] | None = None,
) -> UpdateResult:
    """Run the flow. Returns a result for every outcome a person caused (refusals included); raises
    :class:`~validator.cloud.errors.CloudError` when the cloud refuses or fails, and
    :class:`~validator.errors.UsageError` for a missing bucket. ``confirm`` is shown the requests
    about to be sent, after step 4, and may decline them."""
    emit = sink
    job_id = params.job_id

    # 1-3, local: nothing here touches the network.
    emit(Event(Step.PARAMS, EventKind.START, "checking parameters"))
    checked = check_params(params, options.region)
    problems = list(checked.problems)
    emit(Event(Step.PARAMS, EventKind.DONE, f"{len(problems)} problem(s)" if problems else "parameters ok"))
    if checked.portrait is not None and checked.portrait.kind is RefKind.FILE:
        emit(Event(Step.PORTRAIT, EventKind.START, f"checking portrait {checked.portrait.value}"))
        found = portrait_problems(checked.portrait.value)
        problems.extend(found)
        emit(Event(Step.PORTRAIT, EventKind.DONE, "portrait is not usable" if found else "portrait ok"))
    report: FileReport | None = None
    if checked.video is not None and checked.video.kind is RefKind.FILE:
        report = _check_video(
            media_steps.check_local(checked.video.value, params.transparent, options.profile), emit
        )
        problems.extend(report.errors)
    if problems:
        return UpdateResult(Outcome.REFUSED, job_id, tuple(problems), report)
    uploads_needed = [r for r in (checked.video, checked.portrait) if r and r.kind is RefKind.FILE]
    if uploads_needed and not options.bucket:
        raise UsageError(
            "a local file must be uploaded but no bucket is configured: pass --bucket, "
            "set AVATAR_PREFLIGHT_BUCKET or 'bucket' in [tool.avatar-preflight]"
        )

    services = connect()
    ice = services.ice
    outcomes: dict[str, MediaOutcome] = {}

    # 3, remote: media already in the cloud is checked where it is.
    if checked.video is not None and checked.video.kind is not RefKind.FILE:
        emit(Event(Step.VIDEO, EventKind.START, f"reading {checked.video.value} remotely (headers only)"))
        remote = media_steps.check_remote(checked.video, services, params.transparent, options)
        report = _check_video(remote.report, emit, remote_note=remote.read)
        outcomes["video"] = MediaOutcome(
            "video",
            checked.video.value,
            checked.video.kind,
            remote.media_id,
            remote.input_url,
            remote=remote.read,
        )
        if report.errors:
            return UpdateResult(Outcome.REFUSED, job_id, report.errors, report, tuple(outcomes.values()))
    derived = report.transparent if report is not None else None

    # 4: the job's state.
    emit(
        Event(
            Step.JOB,
            EventKind.START,
            "reading the job" if not params.creates_job else "a new job will be created",
        )
    )
    job = JobView(PENDING_JOB, JobStatus.INIT.value) if params.creates_job else ice.get_job(job_id)
    wanted = Wanted(
        name=None if params.creates_job else params.name,
        description=None if params.creates_job else params.description,
        thumbnail=params.thumbnail,
        portrait=_planned_id(checked.portrait, outcomes.get("portrait"), PENDING_PORTRAIT),
        video=_planned_id(checked.video, outcomes.get("video"), PENDING_VIDEO),
        declared_transparent=params.transparent,
        video_alpha=derived,
    )
    plan = plan_update(job, wanted)
    if (
        not plan.refused
        and checked.video is None
        and job.video
        and (params.transparent is not None or params.submit)
    ):
        current = _check_current_video(job.video, services, options, emit)
        if current is not None:
            report = current.report
            outcomes["video"] = MediaOutcome(
                "video", job.video, RefKind.MEDIA_ID, job.video, current.input_url, remote=current.read
            )
            plan = plan_update(job, replace(wanted, current_video_alpha=report.transparent))
    if plan.refused:
        emit(Event(Step.JOB, EventKind.DONE, f"the job is {job.status}: refused"))
        return UpdateResult(Outcome.REFUSED, job_id, plan.problems, report, tuple(outcomes.values()), job=job)
    emit(
        Event(
            Step.JOB, EventKind.DONE, f"job is {job.status}; changing {', '.join(plan.fields) or 'nothing'}"
        )
    )
    transparent = plan.fields.get("Transparent", job.transparent)
    in_force = transparent if isinstance(transparent, bool) else None

    if options.dry_run or confirm is not None:
        requests = planned_requests(params, checked.video, checked.portrait, plan.fields, options)
        if confirm is not None and not options.dry_run and not confirm(tuple(requests)):
            return UpdateResult(
                Outcome.CANCELLED,
                job_id,
                (),
                report,
                tuple(outcomes.values()),
                tuple(requests),
                job,
                in_force,
            )
    if options.dry_run:
        return UpdateResult(
            Outcome.DRY_RUN, job_id, (), report, tuple(outcomes.values()), tuple(requests), job, in_force
        )

    # 5-6: upload and register what is not in the cloud yet.
    sent: list[Request] = []
    fields = dict(plan.fields)
    for role, ref, placeholder in (
        ("portrait", checked.portrait, PENDING_PORTRAIT),
        ("video", checked.video, PENDING_VIDEO),
    ):
        if ref is None or ref.kind is RefKind.MEDIA_ID:
            continue
        if ref.kind is RefKind.FILE:
            assert options.bucket is not None
            outcome = media_steps.upload_and_register(ref, role, services, options, emit, sent)
        else:
            outcome = media_steps.register_object(ref, role, services, emit, sent, outcomes.get(role))
        image = read_image_info(ref.value) if role == "portrait" and ref.kind is RefKind.FILE else None
        mismatch = (
            media_steps.wait_and_cross_check(
                outcome, report if role == "video" else None, services, options, emit, role, image
            )
            if outcome.media_id
            else ()
        )
        outcomes[role] = outcome
        if mismatch:
            return UpdateResult(
                Outcome.REFUSED, job_id, mismatch, report, tuple(outcomes.values()), tuple(sent), job
            )
        for wire in ("Video", "Portrait"):
            if fields.get(wire) == placeholder:
                fields[wire] = outcome.media_id
                if outcome.media_id == (job.video if wire == "Video" else job.portrait):
                    del fields[wire]  # the same content was registered before: nothing changes

    # 7: create (for --job-id new) and update.
    if params.creates_job:
        emit(Event(Step.UPDATE, EventKind.START, f"creating job {params.name!r}"))
        assert params.name is not None
        job_id = ice.create_job(params.name, params.description)
        sent.append(
            Request(
                "ICE",
                "CreateAvatarTrainingJob",
                compact({"AvatarName": params.name, "AvatarDescription": params.description}),
            )
        )
        emit(Event(Step.UPDATE, EventKind.INFO, f"created job {job_id}"))
    if fields:
        emit(Event(Step.UPDATE, EventKind.START, f"updating {', '.join(fields)}"))
        ice.update_job(job_id, fields)
        sent.append(Request("ICE", "UpdateAvatarTrainingJob", {"JobId": job_id, **fields}))
        emit(Event(Step.UPDATE, EventKind.DONE, "job updated"))
    else:
        emit(Event(Step.UPDATE, EventKind.DONE, "nothing to change on the job"))

    # 8: submit and wait.
    if params.submit:
        emit(Event(Step.SUBMIT, EventKind.START, "submitting for training"))
        ice.submit_job(job_id)
        sent.append(Request("ICE", "SubmitAvatarTrainingJob", {"JobId": job_id}))
        emit(Event(Step.SUBMIT, EventKind.DONE, "submitted"))
    final = ice.get_job(job_id)
    if params.wait:
        final = wait_for_job(ice, job_id, options, emit)
    outcome_kind = (
        Outcome.TRAINING_FAILED if params.wait and final.status == JobStatus.FAIL.value else Outcome.DONE
    )
    return UpdateResult(
        outcome_kind,
        job_id,
        (),
        report,
        tuple(outcomes.values()),
        tuple(sent),
        final,
        final.transparent if final.transparent is not None else in_force,
    )


def wait_for_job(ice: IceService, job_id: str, options: FlowOptions, emit: Sink = ignore) -> JobView:
    """Poll GetAvatarTrainingJob until ``Success`` or ``Fail`` (or the wait timeout)."""
    started = options.clock()
    emit(Event(Step.WAIT, EventKind.START, "waiting for training to finish"))
    while True:
        job = ice.get_job(job_id)
        emit(Event(Step.WAIT, EventKind.POLL, job.status))
        if job.status in FINAL:
            emit(Event(Step.WAIT, EventKind.DONE, job.status + (f": {job.message}" if job.message else "")))
            return job
        if (
            options.wait_timeout_seconds is not None
            and options.clock() - started > options.wait_timeout_seconds
        ):
            raise CloudError(
                "WaitTimeout",
                f"the job is still {job.status} after {options.wait_timeout_seconds:g} s",
                action="GetAvatarTrainingJob",
            )
        options.sleep(options.poll_seconds)


def _check_video(report: FileReport, emit: Sink, remote_note: object | None = None) -> FileReport:
    emit(Event(Step.VIDEO, EventKind.START, f"checking video {report.path}"))
    verdict = report.verdict.value
    flag = report.transparent
    emit(
        Event(
            Step.VIDEO,
            EventKind.DONE,
            f"{verdict}; Transparent={'unknown' if flag is None else str(flag).lower()}"
            + (f" ({len(report.errors)} error(s))" if report.errors else ""),
        )
    )
    return report


def _check_current_video(
    media_id: str, services: Services, options: FlowOptions, emit: Sink
) -> media_steps.RemoteCheck | None:
    """The job's existing video, read remotely, for a Transparent set (or submitted) without a new
    video. ``None`` when it cannot be read: the flag is then not checked against it, and a note says so."""
    emit(Event(Step.VIDEO, EventKind.START, f"reading the job's current video {media_id} (headers only)"))
    try:
        current = media_steps.check_remote(MediaRef(RefKind.MEDIA_ID, media_id), services, None, options)
    except (CloudError, RemoteReadError) as exc:
        emit(
            Event(
                Step.VIDEO,
                EventKind.INFO,
                f"cannot read the job's current video ({exc}); Transparent is not checked against it",
            )
        )
        return None
    _check_video(current.report, emit, remote_note=current.read)
    return current


def _planned_id(ref: MediaRef | None, outcome: MediaOutcome | None, placeholder: str) -> str | None:
    if ref is None:
        return None
    if ref.kind is RefKind.MEDIA_ID:
        return ref.value
    if outcome is not None and outcome.media_id:
        return outcome.media_id
    return placeholder


__all__ = ["FlowOptions", "Services", "run_update", "wait_for_job"]
