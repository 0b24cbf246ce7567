"""``update``, ``status`` and ``jobs``: settings in, events drawn, the result on stdout as text or JSON.

The work is in :mod:`validator.cloud`; errors go up to ``cli.py`` (exit 3 for credentials and
configuration, 4 for the cloud's refusals, with a line saying what to do).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from avatar_preflight_cli.args import Transparent
from avatar_preflight_cli.cloud_env import environment
from avatar_preflight_cli.events import EventPrinter, confirmation, terminate_as_interrupt
from avatar_preflight_cli.shared import ICE_ONLY, CloudFormat, Connection, FormatOpt, session, shared
from validator.errors import UsageError
from validator.formats.text import Detail

if TYPE_CHECKING:
    from validator.cloud.events import Outcome, UpdateResult
    from validator.cloud.params import UpdateParams


CONTENT_TIP = (
    "avatar-preflight: tip: add --content to also check the footage itself (faces, cuts, speech) "
    "before it is uploaded"
)
"""The one line ``update`` prints when a video is given without ``--content``."""


@shared("region", "endpoint", "profile", "bucket", "oss_endpoint", "prefix")
def update(
    ctx: typer.Context,
    job_id: Annotated[
        str, typer.Option(metavar="JOB_ID", help="The training job to update; 'new' creates one.")
    ],
    video: Annotated[
        str | None, typer.Option(metavar="VIDEO", help="A file, an OSS URL or a media ID.")
    ] = None,
    portrait: Annotated[
        str | None, typer.Option(metavar="IMAGE", help="Square JPEG/PNG: a file or a media ID.")
    ] = None,
    thumbnail: Annotated[
        str | None, typer.Option(metavar="URL", help="https OSS URL for the trained thumbnail.")
    ] = None,
    name: Annotated[
        str | None, typer.Option(metavar="NAME", help="AvatarName, at most 7 characters.")
    ] = None,
    description: Annotated[
        str | None, typer.Option(metavar="TEXT", help="AvatarDescription, at most 1,000.")
    ] = None,
    transparent: Annotated[
        Transparent, typer.Option(help="'auto' sends the value derived from the video.")
    ] = Transparent.AUTO,
    submit: Annotated[bool, typer.Option(help="Submit the job for training afterwards.")] = False,
    wait: Annotated[bool, typer.Option(help="Wait until training ends (Success or Fail).")] = False,
    dry_run: Annotated[bool, typer.Option(help="Check, print the requests, send nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before changing anything.")] = False,
    output_format: FormatOpt = CloudFormat.text,
    use_sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Use an embedded local sandbox (no cloud account).")
    ] = False,
    content: Annotated[
        bool,
        typer.Option(help="Also check a local video's content (faces, cuts, speech); errors refuse it."),
    ] = False,
    *,
    detail: Detail,
    connection: Connection,
) -> Outcome:
    """Validate, upload, register and update an ICE avatar-training job, safely."""
    from validator.cloud.params import UpdateParams
    from validator.cloud.report import update_json, update_text

    as_json = _report_as(ctx, output_format, job_id)
    if content:
        from validator.content import require

        require()
    elif video is not None and detail is not Detail.QUIET:
        typer.echo(CONTENT_TIP, err=True)
    params = UpdateParams(
        job_id=job_id,
        video=video,
        portrait=portrait,
        thumbnail=thumbnail,
        name=name,
        description=description,
        transparent=transparent.declared(),
        submit=submit,
        wait=wait,
    )
    # Nobody is asked with --yes or --dry-run, nor for the embedded sandbox, which changes nothing real.
    asked = not (yes or dry_run or use_sandbox)
    result = _run(
        params, connection, detail, dry_run=dry_run, asked=asked, use_sandbox=use_sandbox, content=content
    )
    typer.echo(update_json(result) if as_json else update_text(result), nl=False)
    return result.outcome


def _run(
    params: UpdateParams,
    connection: Connection,
    detail: Detail,
    *,
    dry_run: bool,
    asked: bool,
    use_sandbox: bool,
    content: bool = False,
) -> UpdateResult:
    """The update flow with its events drawn; an interrupt leaves with a line saying what is left."""
    from validator.cloud.flow import FlowOptions, run_update
    from validator.cloud.report import interrupted_text
    from validator.cloud.transfer import from_environment
    from validator.profile import discover

    sink = EventPrinter(detail)
    try:
        cloud = environment(connection.options(), use_sandbox)
        with terminate_as_interrupt(), cloud as (settings, credentials):
            transfer = from_environment()
            options = FlowOptions(
                region=settings.region.value or "",
                bucket=settings.bucket.value,
                prefix=settings.prefix.value or "",
                profile=discover(),
                dry_run=dry_run,
                content=content,
                tuning=transfer.tuning,
                poll_seconds=0.5 if use_sandbox else 10.0,
                media_poll_seconds=0.2 if use_sandbox else 2.0,
            )
            sink.settings(settings, transfer)

            def connect() -> Any:
                from validator.cloud.connect import connect as build

                return build(
                    settings, credentials, sink=sink, tuning=transfer.tuning, timeouts=transfer.timeouts
                )

            return run_update(params, connect, options, sink, confirmation(asked=asked))
    except KeyboardInterrupt as exc:
        sink.close()
        raise type(exc)(interrupted_text(sink.step, params.job_id)) from None
    finally:
        sink.close()


@shared(*ICE_ONLY)
def status(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Argument(metavar="JOB_ID", help="The training job.")],
    output_format: FormatOpt = CloudFormat.text,
    *,
    connection: Connection,
) -> None:
    """Show one avatar-training job (GetAvatarTrainingJob)."""
    from validator.cloud.report import as_json, job_document, job_text

    json_ = _report_as(ctx, output_format, job_id)
    with environment(connection.options(), False) as (settings, credentials):
        job = _services(settings, credentials).ice.get_job(job_id)
    typer.echo(as_json(job_document(job)) if json_ else job_text(job), nl=False)


class JobsFormat(str, Enum):
    """``jobs``' formats: a listing is text or JSON; an audit takes every format of ``check`` but HTML."""

    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    sarif = "sarif"


@shared(*ICE_ONLY, "oss_endpoint")
def jobs(
    ctx: typer.Context,
    status_filter: Annotated[
        list[str] | None,
        typer.Option(
            "--status", metavar="STATUS", help="Only jobs in this state (with --audit: repeat for several)."
        ),
    ] = None,
    page: Annotated[int | None, typer.Option(min=1, metavar="N", help="Page number (default 1).")] = None,
    page_size: Annotated[
        int | None,
        typer.Option(min=1, max=100, metavar="N", help="Jobs per page (default 20; --audit: 100)."),
    ] = None,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit",
            help="Check every job: its video (probed where it is, headers only) against its Transparent "
            "and the rules, and its media; exit 1 if a job would fail or malfunction.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--jobs", min=1, max=64, metavar="N", help="--audit: jobs audited at once (default 4 per core)."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="--audit: warnings fail a job too.")] = False,
    output_format: Annotated[
        JobsFormat | None,
        typer.Option(
            "--format", "-f", help="Result format (default text; --audit under GitHub Actions: github)."
        ),
    ] = None,
    *,
    detail: Detail,
    connection: Connection,
) -> bool | None:
    """List avatar-training jobs, newest first (ListAvatarTrainingJobs), or audit every one (--audit)."""
    invocation = session(ctx)
    invocation.json = output_format is JobsFormat.json
    statuses = tuple(status_filter or ())
    if audit:
        if page is not None:
            raise UsageError("--audit reads every page: leave --page out")
        return _audit(statuses, page_size or 100, workers, output_format, strict, detail, connection)
    if output_format not in (None, JobsFormat.text, JobsFormat.json):
        raise UsageError(f"--format {output_format.value} needs --audit (a listing is text or json)")
    if len(statuses) > 1:
        raise UsageError("give one --status for a listing (several only with --audit)")
    if workers is not None or strict:
        raise UsageError("--jobs and --strict go with --audit")
    from validator.cloud.report import as_json, jobs_document, jobs_text

    with environment(connection.options(), False) as (settings, credentials):
        found = _services(settings, credentials).ice.list_jobs(
            statuses[0] if statuses else None, page or 1, page_size or 20
        )
    typer.echo(as_json(jobs_document(found)) if invocation.json else jobs_text(found), nl=False)
    return None


def _audit(
    statuses: tuple[str, ...],
    page_size: int,
    workers: int | None,
    output_format: JobsFormat | None,
    strict: bool,
    detail: Detail,
    connection: Connection,
) -> bool:
    import os

    from avatar_preflight_cli.audit import AuditArgs, run_audit
    from validator.cloud.audit import default_workers
    from validator.formats import Format

    if output_format is None:
        chosen = Format.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else Format.TEXT
    else:
        chosen = Format(output_format.value)
    args = AuditArgs(statuses, page_size, workers or default_workers(), chosen, strict, detail)
    with terminate_as_interrupt(), environment(connection.options(), False) as (settings, credentials):
        # -v shows each retry of a throttled or failed request, as update does; otherwise the
        # audit's own progress line is all that is drawn
        sink = EventPrinter(detail) if detail is Detail.VERBOSE else None
        try:
            return run_audit(args, _services(settings, credentials, sink))
        finally:
            if sink is not None:
                sink.close()


def _report_as(ctx: typer.Context, output_format: CloudFormat, job_id: str | None) -> bool:
    """Tell ``cli.py`` how to report an error of this run; whether the result is JSON."""
    invocation = session(ctx)
    invocation.json = output_format is CloudFormat.json
    invocation.job_id = job_id
    return invocation.json


def _services(settings: Any, credentials: Any, sink: Any = None) -> Any:
    from validator.cloud.connect import connect
    from validator.cloud.events import ignore
    from validator.cloud.transfer import from_environment

    transfer = from_environment()
    return connect(
        settings, credentials, sink=sink or ignore, tuning=transfer.tuning, timeouts=transfer.timeouts
    )
