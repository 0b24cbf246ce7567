"""The ``avatar-preflight`` command line: parses arguments, renders, and picks exit codes.

Exit codes: 0 every file passes; 1 at least one file fails (warnings count with ``--strict``);
2 usage error; 3 the tool could not run (environment, configuration, internal error).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from validator.errors import PreflightError, ProfileError, UsageError

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
) -> None:
    """Check avatar-training videos for Alibaba Cloud ICE before you train."""


@app.command()
def check(
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
) -> None:
    """Check videos against the ICE avatar-training rules and derive the Transparent flag."""
    from validator import check_files
    from validator.discover import expand
    from validator.formats import Format, render
    from validator.profile import discover, load

    try:
        rules = load(profile) if profile else discover()
        inputs = expand(paths)
    except UsageError as exc:
        _fail(EXIT_USAGE, str(exc))
    except ProfileError as exc:
        _fail(EXIT_ENVIRONMENT, str(exc))
    declared = None if transparent is TransparentChoice.auto else transparent is TransparentChoice.true
    report = check_files(list(inputs.files), declared, profile=rules, deep=deep, strict=strict, jobs=jobs)
    if output_format is None:
        output_format = (
            OutputFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else OutputFormat.text
        )
    text = render(Format(output_format.value), report)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(EXIT_ENVIRONMENT, f"cannot write {output}: {exc.strerror or exc}")
        failed = sum(1 for f in report.files if f.failed(strict))
        typer.echo(f"{len(report.files)} checked, {failed} failed; report written to {output}", err=True)
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(EXIT_FAILED if report.failed else EXIT_OK)


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
