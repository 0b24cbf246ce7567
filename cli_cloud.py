"""The command-line side of ``update``, ``status`` and ``jobs``: settings in, events drawn, exit code out.

``cli.py`` declares the options and calls these functions; the work is in :mod:`validator.cloud`.
Events are drawn on stderr (lines, an upload bar with speed and ETA, a spinner while training), the
result goes to stdout as text or JSON. Exit codes: 0 done; 1 a parameter, the video or the job's
state forbids the change (or the confirmation was declined); 2 usage; 3 environment (credentials,
configuration); 4 the cloud refused or failed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import typer

from validator.errors import PreflightError, ProfileError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_CLOUD = 0, 1, 2, 3, 4

CONNECTION = "Connection (each also read from the environment and [tool.avatar-preflight])"
RegionOpt = Annotated[
    str | None,
    typer.Option(help="Region, e.g. cn-shanghai [env AVATAR_PREFLIGHT_REGION].", rich_help_panel=CONNECTION),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        help="ICE endpoint HOST[:PORT] (default ice.REGION.aliyuncs.com) [env AVATAR_PREFLIGHT_ENDPOINT].",
        rich_help_panel=CONNECTION,
    ),
]
CredProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Credential profile (aliyun CLI or credentials file) [env ALIBABA_CLOUD_PROFILE].",
        rich_help_panel=CONNECTION,
    ),
]
BucketOpt = Annotated[
    str | None,
    typer.Option(help="OSS bucket for uploads [env AVATAR_PREFLIGHT_BUCKET].", rich_help_panel=CONNECTION),
]
OssEndpointOpt = Annotated[
    str | None,
    typer.Option(
        help="OSS endpoint URL (default https://oss-REGION.aliyuncs.com) "
        "[env AVATAR_PREFLIGHT_OSS_ENDPOINT].",
        rich_help_panel=CONNECTION,
    ),
]
PrefixOpt = Annotated[
    str | None,
    typer.Option(
        help="Key prefix for uploads (default avatar-preflight/) [env AVATAR_PREFLIGHT_PREFIX].",
        rich_help_panel=CONNECTION,
    ),
]


class CloudFormat(str, Enum):
    """Result formats of the cloud commands."""

    text = "text"
    json = "json"


FormatOpt = Annotated[CloudFormat, typer.Option("--format", "-f", help="Result format.")]


@dataclass(frozen=True)
class Connection:
    """The connection options as given on the command line (``None``: not given)."""

    region: str | None = None
    endpoint: str | None = None
    profile: str | None = None
    bucket: str | None = None
    oss_endpoint: str | None = None
    prefix: str | None = None

    def options(self) -> Mapping[str, str | None]:
        return {
            "region": self.region,
            "endpoint": self.endpoint,
            "profile": self.profile,
            "bucket": self.bucket,
            "oss_endpoint": self.oss_endpoint,
            "prefix": self.prefix,
        }


def exit_code(exc: PreflightError) -> int:
    """The documented exit code of a library error."""
    from validator.cloud.errors import CloudError, ConfigError, CredentialsError, RemoteReadError

    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, (ConfigError, CredentialsError, ProfileError)):
        return EXIT_ENVIRONMENT
    if isinstance(exc, (CloudError, RemoteReadError)):
        return EXIT_CLOUD
    return EXIT_ENVIRONMENT


def _die(exc: PreflightError, job_id: str | None = None) -> typer.Exit:
    """The one-line error, then (for the cloud's errors) a line saying what to do."""
    from validator.cloud.advice import advice
    from validator.cloud.errors import CloudError

    typer.echo(f"avatar-preflight: {exc}", err=True)
    hint = advice(exc, job_id) if isinstance(exc, CloudError) else None
    if hint:
        typer.echo(f"  what to do: {hint}", err=True)
    return typer.Exit(exit_code(exc))


EXIT_SIGINT, EXIT_SIGTERM = 130, 143


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwound like Ctrl-C, so every ``finally`` runs and the upload checkpoint stays."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM (a cancelled CI job, ``kill``) raises :class:`Terminated` in the main
    thread instead of killing the process mid-write."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def update(
    *,
    job_id: str,
    video: str | None,
    portrait: str | None,
    thumbnail: str | None,
    name: str | None,
    description: str | None,
    transparent: bool | None,
    submit: bool,
    wait: bool,
    dry_run: bool,
    yes: bool,
    as_json: bool,
    connection: Connection,
    use_sandbox: bool,
    quiet: bool = False,
    detail: str | None = None,
) -> None:
    """``avatar-preflight update``; raises :class:`typer.Exit` with the exit code. ``detail`` is
    ``quiet``, ``normal`` or ``verbose`` (timestamps, settings and every retry's request ID)."""
    from validator.cloud.events import Outcome
    from validator.cloud.flow import FlowOptions, run_update
    from validator.cloud.params import UpdateParams
    from validator.cloud.report import interrupted_text, update_json, update_text
    from validator.cloud.transfer import from_environment
    from validator.profile import discover

    params = UpdateParams(
        job_id=job_id,
        video=video,
        portrait=portrait,
        thumbnail=thumbnail,
        name=name,
        description=description,
        transparent=transparent,
        submit=submit,
        wait=wait,
    )
    detail = detail or ("quiet" if quiet else "normal")
    sink = EventPrinter(quiet=detail == "quiet", verbose=detail == "verbose")
    try:
        with _terminate_as_interrupt(), _environment(connection, use_sandbox) as (settings, credentials):
            transfer = from_environment()
            fast = use_sandbox
            options = FlowOptions(
                region=settings.region.value or "",
                bucket=settings.bucket.value,
                prefix=settings.prefix.value or "",
                profile=discover(),
                dry_run=dry_run,
                tuning=transfer.tuning,
                poll_seconds=0.5 if fast else 10.0,
                media_poll_seconds=0.2 if fast else 2.0,
            )
            sink.settings(settings, transfer)

            def connect() -> Any:
                from validator.cloud.connect import connect as build

                return build(
                    settings, credentials, sink=sink, tuning=transfer.tuning, timeouts=transfer.timeouts
                )

            # Nobody can answer a question on a stdin that is not a terminal (CI, a pipe): such a
            # run is refused before it sends anything, unless --yes said so in advance.
            asked = not (yes or dry_run or use_sandbox)
            confirm = (_confirm if sys.stdin.isatty() else _unasked) if asked else None
            result = run_update(params, connect, options, sink, confirm)
    except KeyboardInterrupt as exc:
        sink.close()
        typer.echo(f"avatar-preflight: {interrupted_text(sink.step, job_id)}", err=True)
        raise typer.Exit(EXIT_SIGTERM if isinstance(exc, Terminated) else EXIT_SIGINT) from None
    except PreflightError as exc:
        sink.close()
        raise _die(exc, job_id) from exc
    finally:
        sink.close()
    typer.echo(update_json(result) if as_json else update_text(result), nl=False)
    if result.outcome in (Outcome.DONE, Outcome.DRY_RUN):
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_CLOUD if result.outcome is Outcome.TRAINING_FAILED else EXIT_FAILED)


def status(job_id: str, *, as_json: bool, connection: Connection) -> None:
    """``avatar-preflight status JOB_ID``."""
    from validator.cloud.report import as_json as dump
    from validator.cloud.report import job_document, job_text

    try:
        with _environment(connection, False) as (settings, credentials):
            job = _services(settings, credentials).ice.get_job(job_id)
    except PreflightError as exc:
        raise _die(exc, job_id) from exc
    typer.echo(dump(job_document(job)) if as_json else job_text(job), nl=False)


def jobs(
    status_filter: str | None, page: int, page_size: int, *, as_json: bool, connection: Connection
) -> None:
    """``avatar-preflight jobs``."""
    from validator.cloud.report import as_json as dump
    from validator.cloud.report import jobs_document, jobs_text

    try:
        with _environment(connection, False) as (settings, credentials):
            found = _services(settings, credentials).ice.list_jobs(status_filter, page, page_size)
    except PreflightError as exc:
        raise _die(exc) from exc
    typer.echo(dump(jobs_document(found)) if as_json else jobs_text(found), nl=False)


def _services(settings: Any, credentials: Any) -> Any:
    from validator.cloud.connect import connect
    from validator.cloud.transfer import from_environment

    transfer = from_environment()
    return connect(settings, credentials, tuning=transfer.tuning, timeouts=transfer.timeouts)


@contextmanager
def _environment(connection: Connection, use_sandbox: bool) -> Iterator[tuple[Any, Any]]:
    """Settings and credentials: resolved from options, environment and project file, or an embedded
    sandbox started for the duration of the command."""
    if use_sandbox:
        from validator.cloud.embedded import embedded_sandbox

        typer.echo("starting an embedded sandbox on 127.0.0.1 (no cloud account is used)", err=True)
        with embedded_sandbox() as embedded:
            yield embedded.settings, embedded.credentials
        return
    from validator.cloud.credentials import ChainCredentials
    from validator.cloud.settings import resolve

    settings = resolve(connection.options())
    yield settings, ChainCredentials(settings.profile.value)


def _confirm(requests: tuple[Any, ...]) -> bool:
    from validator.cloud.report import request_line

    typer.echo("about to send:", err=True)
    for request in requests:
        typer.echo(f"  {request_line(request)}", err=True)
    return typer.confirm("go ahead?", default=False, err=True)


def _unasked(requests: tuple[Any, ...]) -> bool:
    """The confirmation when stdin is not a terminal: show the requests, send none of them."""
    from validator.cloud.report import request_line

    typer.echo("would send:", err=True)
    for request in requests:
        typer.echo(f"  {request_line(request)}", err=True)
    typer.echo(
        "avatar-preflight: nothing was sent: stdin is not a terminal, so nobody can confirm. "
        "Pass --yes to send these requests (or --dry-run to only list them).",
        err=True,
    )
    return False


class EventPrinter:
    """Draws flow events on stderr: a line per step, a progress bar for uploads, a training spinner.

    On a terminal the bar shows bytes, speed and time left; elsewhere (CI logs) only lines are
    written. ``quiet`` keeps stderr for errors only; ``verbose`` adds the settings in force, the time
    since the start on every line, and every status poll. Retries are shown unless ``quiet``.
    """

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        import time

        from rich.console import Console

        self._console = Console(stderr=True, highlight=False)
        self._quiet = quiet
        self._verbose = verbose and not quiet
        self._live = self._console.is_terminal and not quiet
        self._progress: Any = None
        self._task: Any = None
        self._spinner: Any = None
        self._last_poll = ""
        self._started = time.monotonic()
        self.step: str | None = None
        """The step the flow is in (the last one that started), for the message after an interrupt."""

    def settings(self, settings: Any, transfer: Any) -> None:
        """In verbose mode, where the command connects and why (each setting's source)."""
        if not self._verbose:
            return
        for name, setting in settings.items():
            self._line("settings", f"{name} = {setting.value} ({setting.source})")
        t = transfer.timeouts
        self._line(
            "settings",
            f"timeouts: ICE {t.connect:g} s to connect, {t.read:g} s to answer; OSS "
            f"{transfer.tuning.timeout_seconds:g} s; parts of {transfer.tuning.part_size} bytes from "
            f"{transfer.tuning.multipart_threshold} bytes",
        )

    def __call__(self, event: Any) -> None:
        from validator.cloud.events import EventKind, Step

        if event.kind is EventKind.START:
            self.step = event.step.value
        if self._quiet:
            return
        kind = event.kind
        if kind is EventKind.POLL and self._verbose and self._spinner is None:
            self._line(event.step.value, f"status {event.message}")
            return
        if kind is EventKind.PROGRESS:
            if self._progress is not None and event.total:
                self._progress.update(self._task, completed=event.done, total=event.total)
            return
        if kind is EventKind.POLL:
            if event.step is Step.WAIT and self._spinner is not None:
                self._spinner.update(f"training: {event.message}")
            elif event.message != self._last_poll and event.message not in ("Success", "Fail"):
                self._line(event.step.value, event.message)  # a log shows each change once
            self._last_poll = event.message
            return
        if event.step is Step.UPLOAD and kind is EventKind.START and event.total is not None:
            self._line(event.step.value, event.message)
            self._start_bar(event.total)
            return
        if event.step is Step.UPLOAD and kind is EventKind.DONE:
            self._stop_bar()
        if event.step is Step.WAIT and kind is EventKind.START and self._live:
            self._spinner = self._console.status("training: submitted")
            self._spinner.start()
            return
        if event.step is Step.WAIT and kind is EventKind.DONE and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self._line(event.step.value, event.message, retry=kind is EventKind.RETRY)

    def close(self) -> None:
        self._stop_bar()
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _line(self, step: str, message: str, *, retry: bool = False) -> None:
        import time

        target: Any = self._progress.console if self._progress is not None else self._console
        style = "yellow" if retry else None
        stamp = f"{time.monotonic() - self._started:7.2f}s " if self._verbose else ""
        target.print(f"{stamp}[{step}] {message}", style=style, markup=False, highlight=False, soft_wrap=True)

    def _start_bar(self, total: int) -> None:
        if not self._live:
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("upload", total=total)

    def _stop_bar(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def transparent_value(choice: str) -> bool | None:
    """``auto`` -> ``None``; ``true``/``false`` -> the bool."""
    return None if choice == "auto" else choice == "true"
