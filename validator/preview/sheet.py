"""Contact sheets: evenly spaced frames over a checkerboard, each captioned with its transparent share.

A person sees at a glance whether the alpha is what they meant: the checkerboard shows through
wherever the video is transparent, and nowhere in an opaque video. Frames are sampled as ``--deep``
samples them (VP8/VP9 alpha through libvpx); FFmpeg's own filters turn each frame upright, scale it
and composite it over the checkerboard; Pillow lays the tiles out and draws the captions with its own
scalable font. :func:`sample` is shared with the HTML report, which shows the same tiles as images.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, cast

from validator.errors import ProbeError
from validator.facts import MediaFacts
from validator.preview import caption, png

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

_LIGHT, _DARK = b"\xcc\xcc\xcc", b"\x88\x88\x88"
"""The checkerboard's two greys."""
CHECKER = 8
"""Side of one checkerboard square, in sheet pixels."""
_BACKGROUND, _INK = (0x1E, 0x1E, 0x1E), (0xEE, 0xEE, 0xEE)
NO_ALPHA = "no alpha"
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
    caption_size: int | None = None
    """Caption font size in pixels; ``None`` scales it with :attr:`tile`."""

    def tile_size(self, width: int, height: int) -> tuple[int, int]:
        """Tile width and height (even numbers) for a video displayed at ``width`` x ``height``."""
        if width >= height:
            return self.tile, max(2, round(self.tile * height / width / 2) * 2)
        return max(2, round(self.tile * width / height / 2) * 2), self.tile

    @property
    def font_size(self) -> int:
        return self.caption_size or caption.size_for(self.tile)

    def caption_lines(self, tile_width: int) -> tuple[str, ...]:
        """The widest caption there can be, laid out for a tile ``tile_width`` pixels wide."""
        size = self.font_size
        share = max(("100.0%", NO_ALPHA), key=lambda text: caption.width(text, size))
        return caption.lines(("00:00", share), size, tile_width)

    def cell(self, width: int, height: int) -> tuple[int, int]:
        """Width and height of one tile with its caption: a column is never narrower than its caption."""
        tw, th = self.tile_size(width, height)
        lines = self.caption_lines(tw)
        size = self.font_size
        text = max(caption.width(line, size) for line in lines)
        return max(tw, text), th + len(lines) * caption.line_height(size) + size // 3

    def sheet_size(self, tiles: int, width: int, height: int) -> tuple[int, int]:
        """Sheet width and height for ``tiles`` tiles of a video displayed at ``width`` x ``height``."""
        cw, ch = self.cell(width, height)
        columns = max(1, min(self.columns, tiles))
        rows = max(1, math.ceil(tiles / columns))
        return columns * cw + (columns + 1) * self.gap, rows * ch + (rows + 1) * self.gap


@dataclass(frozen=True, slots=True)
class Tile:
    """One sampled frame."""

    seconds: float
    """Where in the video the frame was asked for."""
    transparent_share: float | None
    """Share of the frame's pixels below the opaque threshold; ``None`` when it has no alpha plane."""

    @property
    def parts(self) -> tuple[str, str]:
        """The time (``0:41``) and the transparent share (``62.0%``, or ``no alpha``)."""
        minutes, seconds = divmod(int(self.seconds), 60)
        share = NO_ALPHA if self.transparent_share is None else f"{self.transparent_share:.1%}"
        return f"{minutes}:{seconds:02d}", share

    @property
    def caption(self) -> str:
        return caption.SEPARATOR.join(self.parts)


@dataclass(frozen=True, slots=True)
class Frames:
    """The sampled frames of one video, upright, scaled and composited over the checkerboard."""

    tiles: tuple[Tile, ...]
    pixels: tuple[bytes, ...]
    """Each tile's RGB24 rows, in the order of :attr:`tiles`."""
    width: int
    height: int
    """Tile size in pixels."""
    displayed: tuple[int, int]
    """The video's displayed size (square pixels), which the layout follows."""


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
    layout = layout or Layout()
    fonts = caption.preload(layout.font_size)  # while the frames decode
    frames = sample(path, layout=layout, opaque_alpha=opaque_alpha)
    fonts.wait()
    return assemble(layout, frames)


def sample(path: str | os.PathLike[str], *, layout: Layout, opaque_alpha: int = 250) -> Frames:
    """Decode ``layout.frames`` evenly spaced frames, each composited into a tile. Raises ``ProbeError``."""
    import av

    from validator.probe import open_input, probe
    from validator.probe.deep import alpha_bytes, alpha_decoder, frame_at

    facts = probe(path)
    video = facts.video
    if video is None or not video.display_width or not video.display_height:
        raise ProbeError("no video stream to preview")
    tw, th = layout.tile_size(*_displayed(facts))
    checker = _checkerboard(tw, th)
    duration = video.duration or 0.0
    targets = [duration * (i + 0.5) / layout.frames for i in range(layout.frames)] if duration else [0.0]
    opaque = bytes(range(opaque_alpha, 256))
    tiles: list[Tile] = []
    pixels: list[bytes] = []
    try:
        with open_input(os.fspath(path)) as container:
            stream = next(s for s in container.streams.video if s.index == video.index)
            for seconds in targets:
                frame = frame_at(container, stream, seconds, alpha_decoder(facts))
                if frame is None:
                    continue
                plane = alpha_bytes(frame)
                share = len(plane.translate(None, opaque)) / len(plane) if plane else None
                tiles.append(Tile(seconds, share))
                pixels.append(_composite(frame, video.rotation, tw, th, checker))
    except av.FFmpegError as exc:
        raise ProbeError(f"frames could not be decoded: {exc}") from exc
    if not tiles:
        raise ProbeError("no frame could be decoded")
    return Frames(tuple(tiles), tuple(pixels), tw, th, _displayed(facts))


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
    if hasattr(graph, "threads"):  # where PyAV has it: a pool of threads per tile cost more than it won
        graph.threads = 1
    source = graph.add_buffer(
        width=frame.width, height=frame.height, format=frame.format, time_base=Fraction(1, 1000)
    )
    board = graph.add_buffer(
        width=width, height=height, format=av.VideoFormat("rgb24"), time_base=Fraction(1, 1000)
    )
    chain = [graph.add(*_ROTATE[rotation])] if rotation in _ROTATE else []
    # area: each tile pixel the mean of the frame pixels it covers, what a thumbnail wants, and 2-4
    # times quicker than the default bicubic at a 1080p frame's 4-6x reduction (3 against 6-10 ms)
    chain += [graph.add("scale", f"{width}:{height}:flags=area"), graph.add("format", "rgba")]
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
    png.fill(background, checker)
    background.pts = frame.pts = 0
    background.time_base = frame.time_base = Fraction(1, 1000)
    source.push(frame)
    board.push(background)
    return rgb_rows(cast("VideoFrame", sink.pull()))  # a video graph yields video frames


def assemble(layout: Layout, frames: Frames) -> ContactSheet:
    """The tiles in a grid, each captioned under it, as a PNG."""
    from PIL import Image, ImageDraw

    width, height = layout.sheet_size(len(frames.tiles), *frames.displayed)
    cw, ch = layout.cell(*frames.displayed)
    tw, th = frames.width, frames.height
    sheet = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    size = layout.font_size
    face, step = caption.font(size), caption.line_height(size)
    columns = max(1, min(layout.columns, len(frames.tiles)))
    for index, (tile, rgb) in enumerate(zip(frames.tiles, frames.pixels, strict=True)):
        left = layout.gap + (index % columns) * (cw + layout.gap)
        top = layout.gap + (index // columns) * (ch + layout.gap)
        sheet.paste(Image.frombytes("RGB", (tw, th), rgb), (left, top))
        for line_no, line in enumerate(caption.lines(tile.parts, size, cw)):
            draw.text((left, top + th + size // 4 + line_no * step), line, fill=_INK, font=face)
    encoded = png.encode(sheet.tobytes(), width, height)  # not Image.save: see png
    return ContactSheet(encoded, width, height, frames.tiles)


def rgb_rows(frame: VideoFrame) -> bytes:
    """An RGB24 frame's pixels row after row, without FFmpeg's line padding."""
    plane = frame.planes[0]
    row = frame.width * 3
    raw = memoryview(plane)
    if plane.line_size == row:
        return bytes(raw[: row * frame.height])
    return b"".join(raw[y * plane.line_size : y * plane.line_size + row] for y in range(frame.height))
