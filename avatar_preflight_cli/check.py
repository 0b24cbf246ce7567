"""The body of ``check``: what both parsers run once the arguments are read. Imports no CLI framework."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from avatar_preflight_cli.args import CheckArgs
from avatar_preflight_cli.errors import CannotRun
from validator.errors import UsageError
from validator.formats.text import Detail

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.cloud.inputs import CloudInput
    from validator.findings import BatchReport, FileReport
    from validator.profile import Profile

CONTENT_REFUSED = (
    "--content reads the frames, which would download a cloud input: check cloud inputs without "
    "--content, or check a local copy with it"
)


def say(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def colour(stream: object) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def run_check(args: CheckArgs) -> bool:
    """Check the files, render the report, write it; whether every file passes.

    Raises the library's ``UsageError`` (no such file) and ``ProfileError`` (a bad rules file), and
    :class:`CannotRun` when the report or a preview cannot be written.
    """
    from validator.profile import discover, load

    slots: list[str | CloudInput] = list(args.paths)
    if not all(os.path.lexists(p) for p in args.paths):
        # the cloud-input parser (4 ms of imports) only when an argument is not a local path
        from validator.cloud.inputs import split

        slots = split(list(args.paths))
    if args.content and any(not isinstance(slot, str) for slot in slots):
        raise UsageError(CONTENT_REFUSED)
    if args.content:
        from validator.content import require

        require()  # before any work: without the extra, one line and exit 3
    rules = load(args.rules) if args.rules else discover()
    report = _check(slots, args, rules)
    if args.content:
        from validator.content.run import content_reports

        report = content_reports(report, rules)
    text = _render(report, args, rules.opaque_alpha)
    _pages(report, args, text, rules.opaque_alpha)
    if args.detail is Detail.VERBOSE:
        took = sum(f.seconds or 0 for f in report.files)
        say(f"{plural(len(report.files), 'file')}; probing took {took:.2f} s in all")
    if args.preview is not None:
        # Frames are decoded from local files only: a cloud input is never downloaded.
        videos = [f.path for f in report.files if f.facts is not None and f.facts.video is not None]
        _previews([p for p in videos if os.path.lexists(p)], args)
    if args.output is None:
        sys.stdout.write(text)
        return not report.failed
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CannotRun(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    failed = sum(1 for f in report.files if f.failed(args.strict))
    if args.detail is not Detail.QUIET:
        say(f"{len(report.files)} checked, {failed} failed; report written to {args.output}")
    return not report.failed


def _check(slots: list[str | CloudInput], args: CheckArgs, rules: Profile) -> BatchReport:
    """Local files in worker processes first (forked before any thread of the cloud's starts), then
    the cloud inputs in threads; the reports in the order the arguments came."""
    from validator import check_files
    from validator.discover import expand
    from validator.findings import BatchReport
    from validator.probe.reader import Limits

    local: dict[int, list[str]] = {}
    seen: set[str] = set()
    for at, slot in enumerate(slots):
        if isinstance(slot, str):
            local[at] = [f for f in expand([slot]).files if f not in seen]
            seen.update(local[at])
    files = [f for group in local.values() for f in group]
    by_path: dict[str, FileReport] = {}
    if files:
        checked = check_files(
            files,
            args.transparent.declared(),
            profile=rules,
            deep=args.deep,
            strict=args.strict,
            jobs=args.jobs,
            limits=Limits(args.timeout),
        )
        by_path = {f.path: f for f in checked.files}
    cloud = [slot for slot in slots if not isinstance(slot, str)]
    remote: Iterator[list[FileReport]] = iter(())
    if cloud:
        from avatar_preflight_cli.cloud_inputs import check_cloud

        remote = iter(check_cloud(cloud, args, rules))
    reports: list[FileReport] = []
    for at, slot in enumerate(slots):
        if isinstance(slot, str):
            reports.extend(by_path[f] for f in local[at])
        else:
            reports.extend(next(remote))
    return BatchReport(tuple(reports), rules.name, args.strict)


def _pages(report: BatchReport, args: CheckArgs, text: str, opaque_alpha: int) -> None:
    """``--report FILE`` (the page already rendered when ``--format html``) and the job summary."""
    from avatar_preflight_cli import report as pages
    from validator.formats import Format

    if args.report is not None:
        html = args.output_format is Format.HTML
        pages.write(args.report, text if html else pages.page(report, args.jobs, opaque_alpha))
        if args.detail is not Detail.QUIET:
            say(f"HTML report written to {args.report}")
    if args.summary:
        pages.job_summary(report)


def _render(report: BatchReport, args: CheckArgs, opaque_alpha: int) -> str:
    from validator.formats import Format, render

    fmt = args.output_format or (Format.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else Format.TEXT)
    if fmt is Format.HTML:  # with the frames, gathered here so the formatter stays pure
        from avatar_preflight_cli.report import page

        return page(report, args.jobs, opaque_alpha)
    if fmt is not Format.TEXT:
        return render(fmt, report)
    from validator.formats.text import render as render_text

    return render_text(report, detail=args.detail, colour=args.output is None and colour(sys.stdout))


def _previews(paths: list[str], args: CheckArgs) -> None:
    from validator.preview import write_sheets

    assert args.preview is not None
    folder: Path = args.preview
    try:
        outcomes = write_sheets(paths, folder)
    except OSError as exc:
        raise CannotRun(f"cannot write previews into {folder}: {exc.strerror or exc}") from exc
    for outcome in outcomes:
        if outcome.sheet is None:
            say(f"avatar-preflight: no preview of {outcome.source}: {outcome.problem}")
        elif args.detail is Detail.VERBOSE:
            say(f"preview of {outcome.source}: {outcome.sheet}")
