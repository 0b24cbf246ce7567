"""``fix``: conform a video with FFmpeg, then check the result."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from avatar_preflight_cli.check import colour
from avatar_preflight_cli.commands.check import RULES_ALIAS, option
from avatar_preflight_cli.errors import Failed
from avatar_preflight_cli.shared import deprecated_rules, shared
from validator.formats.text import Detail

if TYPE_CHECKING:
    from validator.conform import FixPlan, FixResult


@shared()
def fix(
    ctx: typer.Context,
    source: Annotated[
        Path, typer.Argument(metavar="INPUT", exists=True, dir_okay=False, help="The video to conform.")
    ],
    target: Annotated[
        Path,
        typer.Argument(metavar="OUTPUT", help=".mp4, .mov or .webm; video with alpha needs .mov or .webm."),
    ],
    crop: Annotated[
        bool, typer.Option(help="Fill the frame and crop the overflow instead of padding.")
    ] = False,
    drop_alpha: Annotated[bool, typer.Option(help="Encode without the alpha channel.")] = False,
    draft: Annotated[
        bool, typer.Option(help="Fastest encoder settings (bigger file, lower quality): for trying out.")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Print the ffmpeg command instead of running it.")] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", "-y", help="Replace OUTPUT if it exists.")
    ] = False,
    rules: Annotated[Path | None, option("rules")] = None,
    profile: Annotated[Path | None, RULES_ALIAS] = None,
    *,
    detail: Detail,
) -> bool:
    """Conform a video with ffmpeg (size, rotation, length, container, index), then check the result."""
    from validator.conform import Options, plan_fix
    from validator.profile import discover, load

    rules_file = deprecated_rules(rules, profile)
    ruleset = load(rules_file) if rules_file else discover()
    plan = plan_fix(source, target, profile=ruleset, options=Options(crop, drop_alpha, draft, overwrite))
    if plan.refusal:
        raise Failed(f"{source}: {plan.refusal}")
    if dry_run and not plan.needed:
        typer.echo(f"{source}: nothing to do, it already passes the check")
        return True
    exe = _ffmpeg(dry_run)
    if dry_run or detail is Detail.VERBOSE:
        typer.echo(plan.command(exe), err=not dry_run)
    if dry_run:
        return True
    result = _encode(plan, exe, detail)
    if result.output is None:
        raise Failed(f"{source}: {result.error}")
    _tell(result, target, detail)
    return result.passed


def _ffmpeg(dry_run: bool) -> str:
    """The ffmpeg to run; a dry run names plain ``ffmpeg`` when none is installed."""
    from validator.conform import find_ffmpeg
    from validator.errors import ToolMissingError

    try:
        return find_ffmpeg()
    except ToolMissingError:
        if not dry_run:
            raise
        return "ffmpeg"


def _encode(plan: FixPlan, exe: str, detail: Detail) -> FixResult:
    from validator.conform import run_fix

    with _progress_bar(plan.output_seconds, enabled=detail is not Detail.QUIET) as advance:
        return run_fix(plan, executable=exe, on_progress=advance)


def _tell(result: FixResult, target: Path, detail: Detail) -> None:
    """The line saying what was written, and the output's report when it fails (or with -v)."""
    verdict = "passes" if result.passed else "still FAILS"
    if detail is not Detail.QUIET or not result.passed:
        typer.echo(f"wrote {target} in {result.seconds:.1f} s; check {verdict}")
    if detail is Detail.VERBOSE or not result.passed:
        from validator.findings import BatchReport
        from validator.formats.text import render

        assert result.output is not None
        batch = BatchReport((result.output,), result.plan.profile.name)
        typer.echo(render(batch, detail=detail, colour=colour(sys.stdout)), nl=False)


@contextlib.contextmanager
def _progress_bar(total: float | None, *, enabled: bool) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr, only when stderr is a terminal; yields the callback to advance it."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _seconds: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), "{task.percentage:>3.0f}%", TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("encoding", total=total)
        yield lambda seconds: progress.update(task, completed=seconds)
