"""``jobs --audit``: every training job read, its media looked up, its video probed where it is.

ListAvatarTrainingJobs is read page by page (once per ``--status`` asked for); its items lack Video
and Transparent, so each job is read again with GetAvatarTrainingJob. Each job's Video is looked up
with GetMediaInfo and, when the asset is ``Normal``, checked by
:func:`validator.cloud.media.check_remote` (Range requests, headers only) with the job's own
Transparent as the declared flag; the Portrait asset is looked up too. Jobs are audited in a bounded
thread pool while the listing goes on: each one waits on the network most of the time.

The result is one :class:`~validator.findings.FileReport` per job, its path ``job:JOB_ID``, so every
output format of ``check`` renders an audit unchanged. A job, or a video, that cannot be read is a
finding for that job; a refused listing, a missing credential or a bug ends the audit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from validator.cloud import audit_rules as rules
from validator.cloud.errors import CloudError, RemoteReadError
from validator.cloud.ice import IceService
from validator.cloud.jobs import JobPage, JobView, MediaView
from validator.cloud.media import check_remote
from validator.cloud.options import FlowOptions, Services
from validator.cloud.params import MediaRef, RefKind
from validator.cloud.remote import RemoteRead
from validator.findings import BatchReport, FileReport, Finding

MAX_PAGE_SIZE = 100
"""ListAvatarTrainingJobs' largest PageSize."""
PATH_PREFIX = "job:"
"""A job's report is named ``job:JOB_ID``: the JUnit test case, the SARIF location, the JSON path."""

Progress = Callable[[int, int], None]
"""``(audited, listed so far)``: told after each job."""


def default_workers() -> int:
    """Jobs audited at once: four per core, since each mostly waits on a request (8 on 2 cores)."""
    return min(32, 4 * (os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """How the audit runs."""

    flow: FlowOptions
    """What :func:`check_remote` is given: the profile above all."""
    statuses: tuple[str, ...] = ()
    """Only jobs in these states (one listing each); empty: every job."""
    page_size: int = MAX_PAGE_SIZE
    workers: int = 8


@dataclass(frozen=True, slots=True)
class JobAudit:
    """One job, audited."""

    job: JobView
    """GetAvatarTrainingJob's answer (the list item when that failed)."""
    report: FileReport
    """The job's findings; its facts are its video's, when the video was probed."""
    video: MediaView | None = None
    """GetMediaInfo of the Video, when the job has one that exists."""
    read: RemoteRead | None = None
    """What probing the video cost."""


@dataclass(frozen=True, slots=True)
class Audit:
    """Every job audited, in listing order."""

    jobs: tuple[JobAudit, ...]
    profile: str

    def batch(self, strict: bool = False) -> BatchReport:
        """The reports as ``check``'s formatters take them."""
        return BatchReport(tuple(j.report for j in self.jobs), self.profile, strict)


def audit_jobs(services: Services, options: AuditOptions, progress: Progress | None = None) -> Audit:
    """Audit every listed job. Raises what the listing raises (:class:`CloudError`: exit 4)."""
    done = 0
    lock = threading.Lock()
    futures: list[Future[JobAudit]] = []

    def one(item: JobView) -> JobAudit:
        nonlocal done
        result = audit_job(item, services, options.flow)
        if progress is not None:
            with lock:
                done += 1
                progress(done, len(futures))
        return result

    pool = ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="audit")
    try:
        for item in listed(services.ice, options.statuses, options.page_size):
            futures.append(pool.submit(one, item))
        audits = tuple(f.result() for f in futures)
    except BaseException:
        # A refused page or Ctrl-C: the jobs not started are dropped, the running ones end by their
        # own timeouts, and the caller hears the reason at once.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return Audit(audits, options.flow.profile.name)


def listed(ice: IceService, statuses: tuple[str, ...], page_size: int) -> Iterator[JobView]:
    """Every job of every page, once each (a job that moves to another state while the pages are read
    may appear in two listings, or twice in one as newer jobs push it down a page)."""
    seen: set[str] = set()
    for status in statuses or (None,):
        page_no = 1
        while True:
            page: JobPage = ice.list_jobs(status, page_no, page_size)
            for job in page.jobs:
                if job.job_id not in seen:
                    seen.add(job.job_id)
                    yield job
            if not page.jobs or page_no * page_size >= page.total:
                break
            page_no += 1


def audit_job(item: JobView, services: Services, flow: FlowOptions) -> JobAudit:
    """One job: read it, look up its media, probe its video; every problem a finding."""
    path = PATH_PREFIX + item.job_id
    try:
        job = services.ice.get_job(item.job_id)
    except CloudError as exc:
        finding = rules.unreadable_job(item.job_id, exc)
        return JobAudit(item, FileReport(path, None, (finding,), item.transparent))
    found: list[Finding] = rules.missing_media(job)
    report: FileReport | None = None
    view = read = None
    if job.video:
        view, problem = _media(services.ice, job.job_id, "video", job.video)
        if problem is None and view is not None:
            report, read, problem = _probe(job, view, services, flow)
        if problem is not None:
            found.append(problem)
    if job.portrait:
        _, problem = _media(services.ice, job.job_id, "portrait", job.portrait)
        if problem is not None:
            found.append(problem)
    if report is not None:
        found.extend(rules.video_findings(job, report))
    facts = report.facts if report is not None else None
    conform = report.conform if report is not None else None
    final = FileReport(path, facts, rules.in_context(job, found), job.transparent, conform)
    return JobAudit(job, final, view, read)


def _media(ice: IceService, job_id: str, role: str, media_id: str) -> tuple[MediaView | None, Finding | None]:
    """GetMediaInfo of the job's Video or Portrait, and what is wrong with it if anything: unknown to
    the service, not ``Normal``, or the lookup refused."""
    try:
        view: MediaView | None = ice.get_media(media_id)
    except CloudError as exc:
        if not exc.code.startswith("NotFound"):
            return None, rules.unreadable_media(role, media_id, exc)
        view = None
    return view, rules.media_problem(job_id, role, media_id, view)


def _probe(
    job: JobView, view: MediaView, services: Services, flow: FlowOptions
) -> tuple[FileReport | None, RemoteRead | None, Finding | None]:
    """The check of the job's video where it is, with the job's flag declared."""
    ref = MediaRef(RefKind.MEDIA_ID, view.media_id)
    try:
        # the GetMediaInfo answer just read is passed on, not asked again; fixes name the video by
        # its file name, as for a downloaded copy
        checked = check_remote(ref, services, rules.declared_flag(job), flow, short_name=True, view=view)
    except (CloudError, RemoteReadError) as exc:
        return None, None, rules.unreadable_media("video", view.media_id, exc)
    return checked.report, checked.read, None

