"""``preview``: a contact sheet of the expected size whose checkerboard shows through transparent video."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_cli import run
from validator.preview import CHECKER, Layout, caption, contact_sheet

LIGHT, DARK = (0xCC, 0xCC, 0xCC), (0x88, 0x88, 0x88)


def decode(path: str) -> tuple[int, int, bytes]:
    """Width, height and RGB24 pixels of a PNG file."""
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return rgb.width, rgb.height, rgb.tobytes()


def pixel(rgb: bytes, width: int, x: int, y: int) -> tuple[int, int, int]:
    offset = (y * width + x) * 3
    return rgb[offset], rgb[offset + 1], rgb[offset + 2]


def corner_squares(path: Path, layout: Layout) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The first tile's top-left checker square and the one right of it (video background there)."""
    width, _, rgb = decode(str(path))
    x, y = layout.gap + CHECKER // 2, layout.gap + CHECKER // 2
    return pixel(rgb, width, x, y), pixel(rgb, width, x + CHECKER, y)


@pytest.mark.parametrize("name", ["prores_alpha", "vp9_alpha", "png_alpha"])
def test_checkerboard_shows_through_transparent_video(
    name: str, media: Callable[[str], Path], tmp_path: Path
) -> None:
    out = tmp_path / "sheet.png"
    result = run("preview", str(media(name)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    layout = Layout()
    width, height, _ = decode(str(out))
    tile_w, tile_h = layout.tile_size(1920, 1080)
    assert (tile_w, tile_h) == (320, 180)
    cell_w, cell_h = layout.cell(1920, 1080)
    assert cell_w == tile_w and cell_h > tile_h  # 4 columns of tiles, each with a caption strip under it
    assert (width, height) == layout.sheet_size(8, 1920, 1080) == (4 * 320 + 5 * 8, 2 * cell_h + 3 * 8)
    assert corner_squares(out, layout) == (LIGHT, DARK)


def test_opaque_video_hides_the_checkerboard(media: Callable[[str], Path]) -> None:
    sheet = contact_sheet(media("landscape"))
    assert all(t.transparent_share is None for t in sheet.tiles)
    assert all(t.caption.endswith("no alpha") for t in sheet.tiles)


def test_opaque_pixels_in_the_png(media: Callable[[str], Path], tmp_path: Path) -> None:
    out = tmp_path / "opaque.png"
    out.write_bytes(contact_sheet(media("landscape")).png)
    first, second = corner_squares(out, Layout())
    assert first == second and first not in (LIGHT, DARK)


def test_transparent_share_per_tile(media: Callable[[str], Path]) -> None:
    sheet = contact_sheet(media("prores_alpha"), layout=Layout(frames=3, columns=3, tile=160))
    _, cell_h = Layout(tile=160).cell(1920, 1080)
    assert len(sheet.tiles) == 3 and (sheet.width, sheet.height) == (3 * 160 + 4 * 8, cell_h + 16)
    assert all(0.3 < (t.transparent_share or 0) < 0.9 for t in sheet.tiles)
    opaque_alpha = contact_sheet(media("prores_alpha_opaque"), layout=Layout(frames=2))
    assert [t.transparent_share for t in opaque_alpha.tiles] == [0.0, 0.0]


def test_rotated_video_is_shown_upright(media: Callable[[str], Path]) -> None:
    layout = Layout(frames=4)
    sheet = contact_sheet(media("rotated"), layout=layout)
    assert layout.tile_size(1080, 1920) == (180, 320)  # displayed 1080x1920: portrait tiles
    cell_w, cell_h = layout.cell(1080, 1920)
    assert cell_w == 180 and cell_h > 320
    assert (sheet.width, sheet.height) == layout.sheet_size(4, 1080, 1920) == (4 * 180 + 5 * 8, cell_h + 16)


def test_check_writes_one_sheet_per_file(media: Callable[[str], Path], tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\0" * 64)
    result = run(
        "check", "--preview", str(folder), str(media("landscape")), str(media("vp9_alpha")), str(broken)
    )
    assert result.returncode == 1  # the broken file fails the check; the others still get sheets
    assert sorted(p.name for p in folder.iterdir()) == ["alpha-vp9.png", "landscape.png"]


def test_unreadable_video_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    result = run("preview", str(bad), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 1 and "bad.mp4" in result.stderr


INK = (0xEE, 0xEE, 0xEE)


def ink_rows(path: Path, top: int, bottom: int) -> int:
    """How many pixel rows between ``top`` and ``bottom`` carry caption ink."""
    width, _, rgb = decode(str(path))
    return sum(
        1
        for y in range(top, bottom)
        if any(pixel(rgb, width, x, y)[0] > 0xB0 for x in range(width) if pixel(rgb, width, x, y) != LIGHT)
    )


@pytest.mark.parametrize("tile", [32, 64, 320, 640])
def test_captions_are_drawn_and_scale_with_the_tile(
    tile: int, media: Callable[[str], Path], tmp_path: Path
) -> None:
    """Readable at any size: the caption strip holds glyphs at least 8 px tall, taller for larger tiles,
    and a column is never narrower than its caption."""
    layout = Layout(frames=2, columns=2, tile=tile)
    sheet = contact_sheet(media("vp9_alpha"), layout=layout)
    out = tmp_path / "sheet.png"
    out.write_bytes(sheet.png)
    _, th = layout.tile_size(1920, 1080)
    top = layout.gap + th
    rows = ink_rows(out, top, sheet.height)
    assert rows >= 8
    assert rows >= tile // 40  # grows with the tile: 16 px glyph rows at 640
    cell_w, _ = layout.cell(1920, 1080)
    size = layout.font_size
    assert all(
        caption.width(line, size) <= cell_w
        for t in sheet.tiles
        for line in caption.lines(t.parts, size, cell_w)
    )
