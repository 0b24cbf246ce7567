"""``preview``'s contact sheet: under half a second in-process, beside ffmpeg decoding the same frames.

ProRes 4444 is held to ffmpeg alone: decoding eight 12-bit 1080p frames takes most of a second anyway.

The sheet decodes 8 frames (as ``--deep`` does), composites them over the checkerboard with FFmpeg's
filters, and lays them out with Pillow's captions; ffmpeg's side only seeks and decodes the 8 frames to
RGBA, so the ratio shows what the layout and the PNG cost beyond the decoding both must do.
"""

from __future__ import annotations

from functools import partial

from bench.corpus import Item
from bench.harness import Row, median_seconds, quiet
from bench.speed import _ffmpeg_frames

SHEET_S = 0.5


def sheets(items: list[Item], runs: int, have_ffmpeg: bool, quick: bool = False) -> list[Row]:
    """A sheet of an H.264, a VP9-alpha and a ProRes 4444 file; a quick run: the VP9 one, no ffmpeg."""
    from validator import check_file
    from validator.preview import contact_sheet

    kinds = ("webm-alpha",) if quick else ("mp4-faststart", "webm-alpha", "prores")
    rows = []
    for item in (i for i in items if i.kind in kinds):
        ours = median_seconds(partial(contact_sheet, item.path), runs)
        alt = None
        if have_ffmpeg and not quick:
            facts = check_file(item.path).facts
            duration = facts.video.duration if facts and facts.video and facts.video.duration else 60.0
            alt = median_seconds(quiet(_ffmpeg_frames(item.path, item.kind, duration)), runs)
        rows.append(
            Row(
                f"preview sheet, 8 frames (in-process) vs ffmpeg to RGBA: {item.name}",
                ours,
                alt,
                "s",
                "<= 1.0x" if item.kind == "prores" else f"<= 1.0x and < {SHEET_S} s",
                (alt is None or ours <= alt) and (item.kind == "prores" or ours < SHEET_S),
            )
        )
    return rows
