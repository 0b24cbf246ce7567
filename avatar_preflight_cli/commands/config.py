"""``config``: the effective configuration and where each value came from (secrets masked)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from avatar_preflight_cli.shared import ALL, CloudFormat, Connection, FormatOpt, session, shared


@shared(*ALL)
def config(
    ctx: typer.Context,
    output_format: FormatOpt = CloudFormat.text,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", metavar="FILE", help="A rules TOML to show instead of the project's."),
    ] = None,
    *,
    connection: Connection,
) -> None:
    """Show the effective configuration and where each value came from (secrets masked)."""
    from validator.config import effective, render_json, render_text

    as_json = session(ctx).json = output_format is CloudFormat.json
    entries = effective(connection.options(), rules)
    typer.echo(render_json(entries) if as_json else render_text(entries), nl=False)
