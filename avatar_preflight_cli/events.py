"""What the cloud commands draw on stderr while ``update`` runs, and how they ask before sending.

Events are drawn as lines, an upload bar with speed and ETA, a spinner while training; the result
itself goes to stdout (see :mod:`avatar_preflight_cli.commands.cloud`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from avatar_preflight_cli.errors import Terminated
from validator.formats.text import Detail


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
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


def confirmation(*, asked: bool) -> Any:
    """How ``update`` asks before sending: ``None`` not at all (``--yes``, ``--dry-run``, the embedded
    sandbox); a prompt on a terminal; elsewhere (CI, a pipe) nobody can answer, so the run is refused
    before it sends anything."""
    if not asked:
        return None
    return _confirm if sys.stdin.isatty() else _unasked


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

    def __init__(self, detail: Detail = Detail.NORMAL) -> None:
        import time

        from rich.console import Console

        self._console = Console(stderr=True, highlight=False)
        quiet = detail is Detail.QUIET
        self._quiet = quiet
        self._verbose = detail is Detail.VERBOSE
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
