"""The ``avatar-preflight`` command line: parses arguments, renders, and picks exit codes.

Exit codes: 0 every file passes; 1 at least one file fails (warnings count with ``--strict``);
2 usage error; 3 the tool could not run (environment, configuration, internal error).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

import cli_check  # the check command's body and the Typer-free fast path (stdlib only)
import cli_cloud  # the cloud commands' option types and logic (imports nothing heavy)
from validator.errors import PreflightError, ProfileError, UsageError

if TYPE_CHECKING:
    pass

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3

app = typer.Typer(
    name="avatar-preflight",
    help="Check avatar-training videos for Alibaba Cloud ICE before you train.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class TransparentChoice(str, Enum):
    auto = "auto"
    true = "true"
    false = "false"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    sarif = "sarif"


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(f"avatar-preflight: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        from validator import __version__

        typer.echo(f"avatar-preflight {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only failures and errors; rely on the exit code.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Print every fact, the commands run and timings.")
    ] = False,
) -> None:
    """Check avatar-training videos for Alibaba Cloud ICE before you train."""
    if quiet and verbose:
        _fail(EXIT_USAGE, "--quiet and --verbose exclude each other")


def _detail(ctx: typer.Context) -> str:
    """``quiet``, ``normal`` or ``verbose``, from the global options."""
    params = ctx.find_root().params
    return "quiet" if params.get("quiet") else "verbose" if params.get("verbose") else "normal"


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Video files, folders (searched recursively) or globs.")],
    transparent: Annotated[
        TransparentChoice,
        typer.Option(help="The Transparent flag you will send; 'auto' derives it from the file."),
    ] = TransparentChoice.auto,
    deep: Annotated[bool, typer.Option(help="Decode a few frames to measure the alpha channel.")] = False,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format", "-f", help="Output format (default: github under GitHub Actions, else text)."
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    strict: Annotated[bool, typer.Option(help="Warnings fail the check too.")] = False,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Files probed in parallel (default: CPU count).")
    ] = None,
    profile: Annotated[Path | None, typer.Option(help="Profile TOML overriding the default rules.")] = None,
    timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Seconds one file's probe may take before it is reported and skipped."),
    ] = 15.0,
    preview: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Also write a contact sheet of each video into this folder."),
    ] = None,
) -> None:
    """Check videos against the ICE avatar-training rules and derive the Transparent flag."""
    args = cli_check.CheckArgs(
        paths=tuple(paths),
        transparent=transparent.value,
        deep=deep,
        output_format=None if output_format is None else output_format.value,
        output=output,
        strict=strict,
        jobs=jobs,
        profile=profile,
        timeout=timeout,
        preview=preview,
        detail=_detail(ctx),
    )
    try:
        code = cli_check.run(args)
    except cli_check.Stop as stop:
        _fail(stop.code, str(stop))
    raise typer.Exit(code)


@app.command()
def sandbox(
    host: Annotated[
        str, typer.Option(help="Interface to bind: loopback unless --allow-remote.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port; 0 picks a free one.")] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Keep jobs, media and objects here (default: temporary, removed on exit)."),
    ] = None,
    allow_remote: Annotated[bool, typer.Option(help="Permit a non-loopback --host.")] = False,
    queue_seconds: Annotated[float, typer.Option(min=0, help="Seconds a submitted job stays Queuing.")] = 2.0,
    train_seconds: Annotated[float, typer.Option(min=0, help="Seconds a job stays Training.")] = 5.0,
    prepare_seconds: Annotated[
        float, typer.Option(min=0, help="Seconds registered media stay Preparing.")
    ] = 1.0,
    throttle_share: Annotated[float, typer.Option(min=0, max=1, help="Share of answers throttled.")] = 0.0,
    throttle_retry_after_ms: Annotated[
        int | None, typer.Option(min=0, help="Send x-acs-retry-after with throttled answers.")
    ] = None,
    error_share: Annotated[
        float, typer.Option(min=0, max=1, help="Share of answers that are 500/503.")
    ] = 0.0,
    latency_ms: Annotated[int, typer.Option(min=0, help="Latency added to every answer.")] = 0,
    seed: Annotated[int | None, typer.Option(help="Seed for repeatable fault sequences.")] = None,
) -> None:
    """Run the local ICE avatar-training + OSS sandbox until stopped (Ctrl-C)."""
    from validator.sandbox import FaultConfig, Sandbox, SandboxConfig, SandboxError

    try:
        faults = FaultConfig(
            throttle_share=throttle_share,
            throttle_retry_after_ms=throttle_retry_after_ms,
            error_share=error_share,
            latency_ms=latency_ms,
            seed=seed,
        )
        config = SandboxConfig(
            data_dir=data_dir,
            host=host,
            port=port,
            allow_remote=allow_remote,
            queue_seconds=queue_seconds,
            train_seconds=train_seconds,
            prepare_seconds=prepare_seconds,
            faults=faults,
        )
        server = Sandbox(config).start()
    except (SandboxError, ValueError) as exc:
        _fail(EXIT_USAGE, str(exc))
    except OSError as exc:
        _fail(EXIT_ENVIRONMENT, f"cannot serve on {host}:{port}: {exc.strerror or exc}")
    try:
        typer.echo(server.describe())
        typer.echo("serving; press Ctrl-C to stop", err=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@app.command()
def update(
    ctx: typer.Context,
    job_id: Annotated[str, typer.Option(help="The training job to update; 'new' creates one.")],
    video: Annotated[str | None, typer.Option(help="A file, an OSS URL or a media ID.")] = None,
    portrait: Annotated[str | None, typer.Option(help="Square JPEG/PNG: a file or a media ID.")] = None,
    thumbnail: Annotated[str | None, typer.Option(help="https OSS URL for the trained thumbnail.")] = None,
    name: Annotated[str | None, typer.Option(help="AvatarName, at most 7 characters.")] = None,
    description: Annotated[str | None, typer.Option(help="AvatarDescription, at most 1,000.")] = None,
    transparent: Annotated[
        TransparentChoice, typer.Option(help="'auto' sends the value derived from the video.")
    ] = TransparentChoice.auto,
    submit: Annotated[bool, typer.Option(help="Submit the job for training afterwards.")] = False,
    wait: Annotated[bool, typer.Option(help="Wait until training ends (Success or Fail).")] = False,
    dry_run: Annotated[bool, typer.Option(help="Check, print the requests, send nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before changing anything.")] = False,
    output_format: cli_cloud.FormatOpt = cli_cloud.CloudFormat.text,
    use_sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Use an embedded local sandbox (no cloud account).")
    ] = False,
    region: cli_cloud.RegionOpt = None,
    endpoint: cli_cloud.EndpointOpt = None,
    profile: cli_cloud.CredProfileOpt = None,
    bucket: cli_cloud.BucketOpt = None,
    oss_endpoint: cli_cloud.OssEndpointOpt = None,
    prefix: cli_cloud.PrefixOpt = None,
) -> None:
    """Validate, upload, register and update an ICE avatar-training job, safely."""
    cli_cloud.update(
        job_id=job_id,
        video=video,
        portrait=portrait,
        thumbnail=thumbnail,
        name=name,
        description=description,
        transparent=cli_cloud.transparent_value(transparent.value),
        submit=submit,
        wait=wait,
        dry_run=dry_run,
        yes=yes,
        as_json=output_format is cli_cloud.CloudFormat.json,
        use_sandbox=use_sandbox,
        connection=cli_cloud.Connection(region, endpoint, profile, bucket, oss_endpoint, prefix),
        detail=_detail(ctx),
    )


@app.command()
def status(
    job_id: Annotated[str, typer.Argument(help="The training job.")],
    output_format: cli_cloud.FormatOpt = cli_cloud.CloudFormat.text,
    region: cli_cloud.RegionOpt = None,
    endpoint: cli_cloud.EndpointOpt = None,
    profile: cli_cloud.CredProfileOpt = None,
) -> None:
    """Show one avatar-training job (GetAvatarTrainingJob)."""
    connection = cli_cloud.Connection(region, endpoint, profile)
    cli_cloud.status(job_id, as_json=output_format is cli_cloud.CloudFormat.json, connection=connection)


@app.command()
def jobs(
    status_filter: Annotated[str | None, typer.Option("--status", help="Only jobs in this state.")] = None,
    page: Annotated[int, typer.Option(min=1, help="Page number.")] = 1,
    page_size: Annotated[int, typer.Option(min=1, max=100, help="Jobs per page.")] = 20,
    output_format: cli_cloud.FormatOpt = cli_cloud.CloudFormat.text,
    region: cli_cloud.RegionOpt = None,
    endpoint: cli_cloud.EndpointOpt = None,
    profile: cli_cloud.CredProfileOpt = None,
) -> None:
    """List avatar-training jobs, newest first (ListAvatarTrainingJobs)."""
    connection = cli_cloud.Connection(region, endpoint, profile)
    as_json = output_format is cli_cloud.CloudFormat.json
    cli_cloud.jobs(status_filter, page, page_size, as_json=as_json, connection=connection)


@app.command()
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
    profile: Annotated[Path | None, typer.Option(help="Profile TOML overriding the default rules.")] = None,
) -> None:
    """Conform a video with ffmpeg (size, rotation, length, container, index), then check the result."""
    from validator.conform import Options, find_ffmpeg, plan_fix, run_fix
    from validator.errors import ToolMissingError
    from validator.profile import discover, load

    detail = _detail(ctx)
    try:
        rules = load(profile) if profile else discover()
        plan = plan_fix(source, target, profile=rules, options=Options(crop, drop_alpha, draft, overwrite))
    except UsageError as exc:
        _fail(EXIT_USAGE, str(exc))
    except ProfileError as exc:
        _fail(EXIT_ENVIRONMENT, str(exc))
    if plan.refusal:
        _fail(EXIT_FAILED, f"{source}: {plan.refusal}")
    try:
        exe = find_ffmpeg()
    except ToolMissingError as exc:
        if not dry_run:
            _fail(EXIT_ENVIRONMENT, str(exc))
        exe = "ffmpeg"
    if dry_run or detail == "verbose":
        typer.echo(plan.command(exe), err=not dry_run)
    if dry_run:
        raise typer.Exit(EXIT_OK)
    with _progress_bar(plan.output_seconds, enabled=detail != "quiet") as advance:
        result = run_fix(plan, executable=exe, on_progress=advance)
    if result.output is None:
        _fail(EXIT_FAILED, f"{source}: {result.error}")
    verdict = "passes" if result.passed else "still FAILS"
    if detail != "quiet" or not result.passed:
        typer.echo(f"wrote {target} in {result.seconds:.1f} s; check {verdict}")
    if detail == "verbose" or not result.passed:
        from validator.findings import BatchReport
        from validator.formats.text import Detail
        from validator.formats.text import render as render_text

        batch = BatchReport((result.output,), rules.name)
        typer.echo(render_text(batch, detail=Detail(detail), colour=cli_check.colour(sys.stdout)), nl=False)
    raise typer.Exit(EXIT_OK if result.passed else EXIT_FAILED)


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


@app.command()
def preview(
    video: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The video to preview.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The PNG to write.")],
    frames: Annotated[int, typer.Option(min=1, max=64, help="Frames sampled, evenly spaced.")] = 8,
    columns: Annotated[int, typer.Option(min=1, max=16, help="Tiles per row.")] = 4,
    tile: Annotated[int, typer.Option(min=32, max=1920, help="Longer side of a tile, in pixels.")] = 320,
) -> None:
    """Write a contact sheet: frames over a checkerboard, each with its share of transparent pixels."""
    from validator.errors import ProbeError
    from validator.preview import Layout, contact_sheet

    try:
        sheet = contact_sheet(video, layout=Layout(frames=frames, columns=columns, tile=tile))
    except ProbeError as exc:
        _fail(EXIT_FAILED, f"{video}: {exc.reason}")
    try:
        output.write_bytes(sheet.png)
    except OSError as exc:
        _fail(EXIT_ENVIRONMENT, f"cannot write {output}: {exc.strerror or exc}")
    shares = ", ".join(t.caption.split("  ")[-1] for t in sheet.tiles)
    typer.echo(f"wrote {output} ({sheet.width}x{sheet.height}): {shares}", err=True)


@app.command()
def config(
    output_format: cli_cloud.FormatOpt = cli_cloud.CloudFormat.text,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="A profile TOML to show instead of the project's.")
    ] = None,
    region: cli_cloud.RegionOpt = None,
    endpoint: cli_cloud.EndpointOpt = None,
    profile: cli_cloud.CredProfileOpt = None,
    bucket: cli_cloud.BucketOpt = None,
    oss_endpoint: cli_cloud.OssEndpointOpt = None,
    prefix: cli_cloud.PrefixOpt = None,
) -> None:
    """Show the effective configuration and where each value came from (secrets masked)."""
    from validator.config import effective, render_json, render_text

    connection = cli_cloud.Connection(region, endpoint, profile, bucket, oss_endpoint, prefix)
    try:
        entries = effective(connection.options(), rules)
    except PreflightError as exc:
        _fail(EXIT_ENVIRONMENT, str(exc))
    as_json = output_format is cli_cloud.CloudFormat.json
    typer.echo(render_json(entries) if as_json else render_text(entries), nl=False)


def main() -> None:
    """Console-script entry: every failure ends in a one-line message and a documented exit code."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("avatar-preflight: interrupted", err=True)
        sys.exit(130)
    except PreflightError as exc:
        typer.echo(f"avatar-preflight: {exc}", err=True)
        sys.exit(EXIT_ENVIRONMENT)
    except Exception as exc:  # the last line of defence: never a traceback
        typer.echo(f"avatar-preflight: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_ENVIRONMENT)


if __name__ == "__main__":
    main()
