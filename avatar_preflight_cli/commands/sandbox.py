"""``sandbox``: the local ICE avatar-training + OSS sandbox, until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from avatar_preflight_cli.errors import CannotRun
from avatar_preflight_cli.shared import shared
from validator.errors import UsageError

if TYPE_CHECKING:
    from validator.sandbox import SandboxConfig


@shared()
def sandbox(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Interface to bind: loopback unless --allow-remote.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, metavar="PORT", help="Port; 0 picks a free one.")
    ] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Keep jobs, media and objects here (default: temporary, removed on exit)."
        ),
    ] = None,
    allow_remote: Annotated[bool, typer.Option(help="Permit a non-loopback --host.")] = False,
    queue_seconds: Annotated[
        float, typer.Option(min=0, metavar="SECONDS", help="Seconds a submitted job stays Queuing.")
    ] = 2.0,
    train_seconds: Annotated[
        float, typer.Option(min=0, metavar="SECONDS", help="Seconds a job stays Training.")
    ] = 5.0,
    prepare_seconds: Annotated[
        float, typer.Option(min=0, metavar="SECONDS", help="Seconds registered media stay Preparing.")
    ] = 1.0,
    throttle_share: Annotated[
        float, typer.Option(min=0, max=1, metavar="SHARE", help="Share of answers throttled.")
    ] = 0.0,
    throttle_retry_after_ms: Annotated[
        int | None, typer.Option(min=0, metavar="MS", help="Send x-acs-retry-after with throttled answers.")
    ] = None,
    error_share: Annotated[
        float, typer.Option(min=0, max=1, metavar="SHARE", help="Share of answers that are 500/503.")
    ] = 0.0,
    latency_ms: Annotated[int, typer.Option(min=0, metavar="MS", help="Latency added to every answer.")] = 0,
    seed: Annotated[
        int | None, typer.Option(metavar="N", help="Seed for repeatable fault sequences.")
    ] = None,
) -> None:
    """Run the local ICE avatar-training + OSS sandbox until stopped (Ctrl-C)."""
    # Long only by its option declarations: the body is two steps, configure and serve.
    from validator.sandbox import FaultConfig, SandboxConfig, SandboxError

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
    except (SandboxError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    _serve(config)


def _serve(config: SandboxConfig) -> None:
    """Start the sandbox, print how to reach it, serve until Ctrl-C."""
    from validator.sandbox import Sandbox, SandboxError

    try:
        server = Sandbox(config).start()
    except (SandboxError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise CannotRun(f"cannot serve on {config.host}:{config.port}: {exc.strerror or exc}") from exc
    try:
        typer.echo(server.describe())
        typer.echo("serving; press Ctrl-C to stop", err=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
