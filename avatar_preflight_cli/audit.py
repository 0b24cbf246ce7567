"""The body of ``jobs --audit``: settings in, the audit run with a progress line on stderr, the report
on stdout in any of ``check``'s formats; whether every job passes.

The work is in :mod:`validator.cloud.audit`; a refused listing and a missing credential go up to
``cli.py`` (exit 4 and 3). Imports no CLI framework.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from validator.formats import Format
from validator.formats.text import Detail

if TYPE_CHECKING:
    from validator.cloud.audit import Audit


@dataclass(frozen=True, slots=True)
class AuditArgs:
    """``jobs --audit``'s options, read."""

    statuses: tuple[str, ...]
    page_size: int
    workers: int
    output_format: Format
    strict: bool
    detail: Detail


class ProgressLine:
    """``audited 37 of 200 jobs`` on stderr: redrawn in place on a terminal (at most ten times a
    second), else one line every ``every`` seconds, so a short audit in CI prints nothing."""

    def __init__(self, stream: TextIO, *, every: float = 10.0) -> None:
        self._stream = stream
        self._live = bool(getattr(stream, "isatty", lambda: False)())
        self._every = 0.1 if self._live else every
        self._started = time.monotonic()
        self._last = self._started
        self._drawn = False

    def __call__(self, done: int, listed: int) -> None:
        now = time.monotonic()
        if now - self._last < self._every:
            return
        self._last = now
        line = f"audited {done} of {listed} job(s) listed so far, {now - self._started:.0f} s"
        if self._live:
            self._stream.write(f"\r\x1b[2K{line}")
            self._drawn = True
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()


def run_audit(args: AuditArgs, services: Any) -> bool:
    """Audit every job, write the report to stdout; whether every job passes."""
    from validator.cloud.audit import AuditOptions, audit_jobs
    from validator.cloud.flow import FlowOptions
    from validator.profile import discover

    flow = FlowOptions(region="", bucket=None, profile=discover())
    options = AuditOptions(flow, args.statuses, args.page_size, args.workers)
    progress = ProgressLine(sys.stderr) if args.detail is not Detail.QUIET else None
    try:
        audit = audit_jobs(services, options, progress)
    finally:
        if progress is not None:
            progress.close()
    sys.stdout.write(render(audit, args))
    return not audit.batch(args.strict).failed


def render(audit: Audit, args: AuditArgs) -> str:
    """The report in ``args.output_format``: the audit's own JSON, ``check``'s other formats."""
    from validator.cloud.report import audit_json, audit_text
    from validator.formats import render as render_as

    batch = audit.batch(args.strict)
    if args.output_format is Format.JSON:
        return audit_json(audit, args.strict)
    if args.output_format is Format.TEXT:
        from avatar_preflight_cli.check import colour

        return audit_text(audit, args.strict, detail=args.detail, colour=colour(sys.stdout))
    return render_as(args.output_format, batch)
