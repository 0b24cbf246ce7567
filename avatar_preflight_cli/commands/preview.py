"""``preview``: a contact sheet of one video, frames over a checkerboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from avatar_preflight_cli.errors import CannotRun, Failed
from avatar_preflight_cli.shared import shared


@shared()
def preview(
    ctx: typer.Context,
    video: Annotated[
        Path, typer.Argument(metavar="VIDEO", exists=True, dir_okay=False, help="The video to preview.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="PNG", help="The PNG to write.")],
    frames: Annotated[
        int, typer.Option(min=1, max=64, metavar="N", help="Frames sampled, evenly spaced.")
    ] = 8,
    columns: Annotated[int, typer.Option(min=1, max=16, metavar="N", help="Tiles per row.")] = 4,
    tile: Annotated[
        int, typer.Option(min=32, max=1920, metavar="PIXELS", help="Longer side of a tile, in pixels.")
    ] = 320,
) -> None:
    """Write a contact sheet: frames over a checkerboard, each with its share of transparent pixels."""
    from validator.errors import ProbeError
    from validator.preview import Layout, contact_sheet

    try:
        sheet = contact_sheet(video, layout=Layout(frames=frames, columns=columns, tile=tile))
    except ProbeError as exc:
        raise Failed(f"{video}: {exc.reason}") from exc
    try:
        output.write_bytes(sheet.png)
    except OSError as exc:
        raise CannotRun(f"cannot write {output}: {exc.strerror or exc}") from exc
    shares = ", ".join(t.caption.split("  ")[-1] for t in sheet.tiles)
    typer.echo(f"wrote {output} ({sheet.width}x{sheet.height}): {shares}", err=True)
