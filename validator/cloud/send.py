"""``update``, steps 5 to 8: everything that changes something in the cloud, in order.

5-6. upload what is local, register what is not registered yet, wait for ``Normal`` and cross-check
the service's figures with the probe's; 7. create the job (``--job-id new``) and send only the fields
that change; 8. submit and, with ``--wait``, poll until the verdict. Each function returns what the
next one needs, or a refusal (a registered medium that contradicts the probe).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from validator.cloud import media as media_steps
from validator.cloud.errors import CloudError
from validator.cloud.events import (
    Event,
    EventKind,
    MediaOutcome,
    Outcome,
    Request,
    Sink,
    Step,
    UpdateResult,
)
from validator.cloud.ice import IceService
from validator.cloud.jobs import FINAL, JobStatus, JobView
from validator.cloud.options import FlowOptions, Run, Services
from validator.cloud.params import CheckedParams, MediaRef, RefKind
from validator.cloud.planned import PENDING_PORTRAIT, PENDING_VIDEO, compact
from validator.findings import FileReport, Finding
from validator.imageinfo import read_image_info

PLACEHOLDERS = {"portrait": PENDING_PORTRAIT, "video": PENDING_VIDEO}
WIRE = {"portrait": "Portrait", "video": "Video"}


@dataclass(frozen=True, slots=True)
class Planned:
    """Step 4 done: the job as read, the fields that change (media still as placeholders), and what
    is known of the video and of each medium."""

    refs: CheckedParams
    report: FileReport | None
    media: Mapping[str, MediaOutcome]
    job: JobView
    fields: Mapping[str, object]
    in_force: bool | None
    """The Transparent value the job will have once the fields are sent."""


@dataclass(frozen=True, slots=True)
class Sent:
    """Steps 5-6 done (and 7, once :attr:`job_id` is the service's): the fields with real media IDs."""

    planned: Planned
    media: Mapping[str, MediaOutcome]
    fields: Mapping[str, object]
    requests: tuple[Request, ...]
    """Requests sent so far, in order."""
    job_id: str


def send_media(run: Run, planned: Planned, services: Services) -> Sent | UpdateResult:
    """Steps 5-6 for the portrait, then the video: each one not yet registered is uploaded (a local
    file) and registered, and its placeholder in the fields replaced by its media ID."""
    sent: list[Request] = []
    media = dict(planned.media)
    fields = dict(planned.fields)
    for role, ref in (("portrait", planned.refs.portrait), ("video", planned.refs.video)):
        if ref is None or ref.kind is RefKind.MEDIA_ID:
            continue
        outcome, mismatch = _send_one(run, planned, role, ref, services, sent)
        media[role] = outcome
        if mismatch:
            return run.refused(
                mismatch,
                video=planned.report,
                media=tuple(media.values()),
                requests=tuple(sent),
                job=planned.job,
            )
        _fill_in(fields, role, outcome.media_id, planned.job)
    return Sent(planned=planned, media=media, fields=fields, requests=tuple(sent), job_id=run.params.job_id)


def _send_one(
    run: Run, planned: Planned, role: str, ref: MediaRef, services: Services, sent: list[Request]
) -> tuple[MediaOutcome, tuple[Finding, ...]]:
    """One medium uploaded (when local), registered, waited for and cross-checked."""
    options, emit = run.options, run.emit
    if ref.kind is RefKind.FILE:
        outcome = media_steps.upload_and_register(ref, role, services, options, emit, sent)
    else:
        outcome = media_steps.register_object(ref, role, services, emit, sent, planned.media.get(role))
    if not outcome.media_id:
        return outcome, ()
    image = read_image_info(ref.value) if role == "portrait" and ref.kind is RefKind.FILE else None
    report = planned.report if role == "video" else None
    return outcome, media_steps.wait_and_cross_check(outcome, report, services, options, emit, role, image)


def _fill_in(fields: dict[str, object], role: str, media_id: str | None, job: JobView) -> None:
    wire = WIRE[role]
    if fields.get(wire) != PLACEHOLDERS[role]:
        return
    fields[wire] = media_id
    if media_id == (job.video if wire == "Video" else job.portrait):
        del fields[wire]  # the same content was registered before: nothing changes


def update_job(run: Run, sent: Sent, services: Services) -> Sent:
    """Step 7: CreateAvatarTrainingJob for ``--job-id new``, then UpdateAvatarTrainingJob with only
    the fields that change (none: nothing is sent)."""
    params, emit, ice = run.params, run.emit, services.ice
    job_id, requests = sent.job_id, list(sent.requests)
    if params.creates_job:
        emit(Event(Step.UPDATE, EventKind.START, f"creating job {params.name!r}"))
        assert params.name is not None  # step 1 refused a new job without a name
        job_id = ice.create_job(params.name, params.description)
        created = compact({"AvatarName": params.name, "AvatarDescription": params.description})
        requests.append(Request("ICE", "CreateAvatarTrainingJob", created))
        emit(Event(Step.UPDATE, EventKind.INFO, f"created job {job_id}"))
    if sent.fields:
        emit(Event(Step.UPDATE, EventKind.START, f"updating {', '.join(sent.fields)}"))
        ice.update_job(job_id, sent.fields)
        requests.append(Request("ICE", "UpdateAvatarTrainingJob", {"JobId": job_id, **sent.fields}))
        emit(Event(Step.UPDATE, EventKind.DONE, "job updated"))
    else:
        emit(Event(Step.UPDATE, EventKind.DONE, "nothing to change on the job"))
    return replace(sent, job_id=job_id, requests=tuple(requests))


def submit_and_wait(run: Run, sent: Sent, services: Services) -> UpdateResult:
    """Step 8: SubmitAvatarTrainingJob when asked, then the job as it is now, or (``--wait``) as
    training left it."""
    params, ice = run.params, services.ice
    requests = sent.requests
    if params.submit:
        run.emit(Event(Step.SUBMIT, EventKind.START, "submitting for training"))
        submit(ice, sent.job_id, run.emit)
        requests += (Request("ICE", "SubmitAvatarTrainingJob", {"JobId": sent.job_id}),)
        run.emit(Event(Step.SUBMIT, EventKind.DONE, "submitted"))
    final = ice.get_job(sent.job_id)
    if params.wait:
        final = wait_for_job(ice, sent.job_id, run.options, run.emit)
    failed = params.wait and final.status == JobStatus.FAIL.value
    return UpdateResult(
        outcome=Outcome.TRAINING_FAILED if failed else Outcome.DONE,
        job_id=sent.job_id,
        video=sent.planned.report,
        media=tuple(sent.media.values()),
        requests=requests,
        job=final,
        transparent=final.transparent if final.transparent is not None else sent.planned.in_force,
    )


SUBMITTED = frozenset({JobStatus.QUEUING.value, JobStatus.TRAINING.value, JobStatus.SUCCESS.value})
"""States a job reaches only once submitted (it is ``Init`` or ``Fail`` before)."""


def submit(ice: IceService, job_id: str, emit: Sink) -> None:
    """SubmitAvatarTrainingJob. It is not repeated after a broken connection (a second submission of a
    job in training is refused, and would restart one that failed since): when its answer is lost,
    the job's state tells whether the service acted, and a submitted job carries on."""
    try:
        ice.submit_job(job_id)
    except CloudError as exc:
        if exc.code != "NetworkError":
            raise
        try:
            status: str | None = ice.get_job(job_id).status
        except CloudError:
            status = None  # the job cannot be read either: the lost answer is the error to report
        if status not in SUBMITTED:
            raise
        emit(
            Event(
                Step.SUBMIT,
                EventKind.INFO,
                f"the answer to SubmitAvatarTrainingJob was lost, but the job is {status}: carrying on",
            )
        )


def wait_for_job(ice: IceService, job_id: str, options: FlowOptions, emit: Sink) -> JobView:
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
