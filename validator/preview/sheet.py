"""Contact sheets: evenly spaced frames over a checkerboard, each captioned with its transparent share.

A person sees at a glance whether the alpha is what they meant: the checkerboard shows through
wherever the video is transparent, and nowhere in an opaque video. Frames are sampled as ``--deep``
samples them (VP8/VP9 alpha through libvpx); FFmpeg's own filters turn each frame upright, scale it
and composite it over the checkerboard, so no pixel is touched in Python except for the captions.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, cast

from validator.errors import ProbeError
from validator.facts import MediaFacts
from validator.preview import font, png

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

_LIGHT, _DARK = b"\xcc\xcc\xcc", b"\x88\x88\x88"
"""The checkerboard's two greys."""
CHECKER = 8
"""Side of one checkerboard square, in sheet pixels."""
_BACKGROUND = b"\x1e\x1e\x1e"
_ROTATE = {90: ("transpose", "clock"), 180: ("rotate", "PI"), 270: ("transpose", "cclock")}


@dataclass(frozen=True, slots=True)
class Layout:
    """How a sheet is laid out."""

    frames: int = 8
    """Frames sampled, evenly spaced over the video."""
    columns: int = 4
    """Tiles per row."""
    tile: int = 320
    """Length of a tile's longer side, in pixels; the other follows the displayed aspect ratio."""
    gap: int = 8
    """Space around and between tiles."""
    caption_scale: int = 2
    """Size of a caption's font pixel, in sheet pixels."""

    def tile_size(self, width: int, height: int) -> tuple[int, int]:
        """Tile width and height (even numbers) for a video displayed at ``width`` x ``height``."""
        if width >= height:
            return self.tile, max(2, round(self.tile * height / width / 2) * 2)
        return max(2, round(self.tile * width / height / 2) * 2), self.tile

    @property
    def caption(self) -> int:
        """Height of the caption strip under each tile."""
        return (font.HEIGHT + 3) * self.caption_scale

    def sheet_size(self, tiles: int, width: int, height: int) -> tuple[int, int]:
        """Sheet width and height for ``tiles`` tiles of a video displayed at ``width`` x ``height``."""
        tw, th = self.tile_size(width, height)
        columns = max(1, min(self.columns, tiles))
        rows = max(1, math.ceil(tiles / columns))
        return columns * tw + (columns + 1) * self.gap, rows * (th + self.caption) + (rows + 1) * self.gap


@dataclass(frozen=True, slots=True)
class Tile:
    """One sampled frame."""

    seconds: float
    """Where in the video the frame was asked for."""
    transparent_share: float | None
    """Share of the frame's pixels below the opaque threshold; ``None`` when it has no alpha plane."""

    @property
    def caption(self) -> str:
        minutes, seconds = divmod(int(self.seconds), 60)
        share = "no alpha" if self.transparent_share is None else f"{self.transparent_share:.1%}"
        return f"{minutes}:{seconds:02d}  {share}"


@dataclass(frozen=True, slots=True)
class ContactSheet:
    """A rendered sheet."""

    png: bytes
    """The PNG file's bytes."""
    width: int
    height: int
    tiles: tuple[Tile, ...]
    """The frames shown, in order."""


def contact_sheet(
    path: str | os.PathLike[str], *, layout: Layout | None = None, opaque_alpha: int = 250
) -> ContactSheet:
    """Sample ``layout.frames`` frames of ``path`` and lay them out. Raises :class:`ProbeError`."""
    import av

    from validator.probe import open_input, probe
    from validator.probe.deep import alpha_bytes, alpha_decoder, frame_at

    layout = layout or Layout()
    facts = probe(path)
    video = facts.video
    if video is None or not video.display_width or not video.display_height:
        raise ProbeError("no video stream to preview")
    tw, th = layout.tile_size(*_displayed(facts))
    checker = _checkerboard(tw, th)
    duration = video.duration or 0.0
    targets = [duration * (i + 0.5) / layout.frames for i in range(layout.frames)] if duration else [0.0]
    opaque = bytes(range(opaque_alpha, 256))
    tiles: list[tuple[Tile, bytes]] = []
    try:
        with open_input(os.fspath(path)) as container:
            stream = next(s for s in container.streams.video if s.index == video.index)
            for seconds in targets:
                frame = frame_at(container, stream, seconds, alpha_decoder(facts))
                if frame is None:
                    continue
                plane = alpha_bytes(frame)
                share = len(plane.translate(None, opaque)) / len(plane) if plane else None
                tiles.append((Tile(seconds, share), _composite(frame, video.rotation, tw, th, checker)))
    except av.FFmpegError as exc:
        raise ProbeError(f"frames could not be decoded: {exc}") from exc
    if not tiles:
        raise ProbeError("no frame could be decoded")
    return _assemble(layout, tiles, tw, th, _displayed(facts))


def _displayed(facts: MediaFacts) -> tuple[int, int]:
    """Displayed size, square pixels: what a player shows."""
    video = facts.video
    assert video is not None and video.display_width and video.display_height
    sar = video.sample_aspect_ratio or Fraction(1)
    return max(1, round(video.display_width * sar)), video.display_height


def _checkerboard(width: int, height: int) -> bytes:
    light_first = (_LIGHT * CHECKER + _DARK * CHECKER) * (width // (2 * CHECKER) + 1)
    dark_first = (_DARK * CHECKER + _LIGHT * CHECKER) * (width // (2 * CHECKER) + 1)
    rows = [(light_first if (y // CHECKER) % 2 == 0 else dark_first)[: width * 3] for y in range(height)]
    return b"".join(rows)


def _composite(frame: VideoFrame, rotation: int, width: int, height: int, checker: bytes) -> bytes:
    """The frame upright, scaled to the tile and laid over the checkerboard, as RGB24 rows."""
    import av
    from av.filter import Graph

    graph = Graph()
    source = graph.add_buffer(
        width=frame.width, height=frame.height, format=frame.format, time_base=Fraction(1, 1000)
    )
    board = graph.add_buffer(
        width=width, height=height, format=av.VideoFormat("rgb24"), time_base=Fraction(1, 1000)
    )
    chain = [graph.add(*_ROTATE[rotation])] if rotation in _ROTATE else []
    chain += [graph.add("scale", f"{width}:{height}"), graph.add("format", "rgba")]
    overlay = graph.add("overlay", "format=rgb")  # blend in RGB: the checkerboard greys stay exact
    out, sink = graph.add("format", "rgb24"), graph.add("buffersink")
    previous = source
    for step in chain:
        previous.link_to(step)
        previous = step
    board.link_to(overlay, 0, 0)
    previous.link_to(overlay, 0, 1)
    overlay.link_to(out)
    out.link_to(sink)
    graph.configure()
    background = av.VideoFrame(width, height, "rgb24")
    _fill(background, checker, width)
    background.pts = frame.pts = 0
    background.time_base = frame.time_base = Fraction(1, 1000)
    source.push(frame)
    board.push(background)
    return png.rgb_rows(cast("VideoFrame", sink.pull()))  # a video graph yields video frames


def _fill(frame: VideoFrame, rgb: bytes, width: int) -> None:
    plane = frame.planes[0]
    row = width * 3
    if plane.line_size == row:
        plane.update(rgb)
        return
    pad = b"\0" * (plane.line_size - row)
    plane.update(b"".join(rgb[y * row : (y + 1) * row] + pad for y in range(frame.height)))


def _assemble(
    layout: Layout, tiles: list[tuple[Tile, bytes]], tw: int, th: int, displayed: tuple[int, int]
) -> ContactSheet:
    width, height = layout.sheet_size(len(tiles), *displayed)
    stride = width * 3
    canvas = bytearray(_BACKGROUND * (width * height))
    columns = max(1, min(layout.columns, len(tiles)))
    for index, (tile, rgb) in enumerate(tiles):
        left = layout.gap + (index % columns) * (tw + layout.gap)
        top = layout.gap + (index // columns) * (th + layout.caption + layout.gap)
        for y in range(th):
            offset = (top + y) * stride + left * 3
            canvas[offset : offset + tw * 3] = rgb[y * tw * 3 : (y + 1) * tw * 3]
        text = tile.caption
        while text and font.text_width(text, layout.caption_scale) > tw:
            text = text[:-1]
        font.draw(canvas, stride, left, top + th + 2 * layout.caption_scale, text, layout.caption_scale)
    return ContactSheet(png.encode(canvas, width, height), width, height, tuple(t for t, _ in tiles))
