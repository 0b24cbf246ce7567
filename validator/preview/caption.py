"""Captions drawn with Pillow's bundled scalable font: readable at any tile size, no font file to ship.

``ImageFont.load_default(size=...)`` gives the FreeType font inside the Pillow wheel (Pillow 10.1+), so
captions scale with the tile instead of being blown-up bitmap pixels. A caption that does not fit one
line beside its tile is split into two (time, then share); the sheet widens its columns for the rare
tile narrower than either line.

Pillow's import (``PIL.Image``, ``ImageDraw`` and ``ImageFont``) costs ~35 ms of a ~0.8 s
``preview``: :func:`preload` does it in a thread while the frames decode, which spend most of their
time in FFmpeg with the GIL released, so on two cores it costs next to no wall time.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

MIN_SIZE, MAX_SIZE = 11, 24
"""Caption font sizes in pixels: below 11 px the digits blur together; above 24 they crowd the frames."""
SEPARATOR = "  "


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at ``size`` pixels (loaded once per size)."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


class Preload:
    """Pillow and the font at one size being loaded in a thread; :meth:`wait` for them."""

    def __init__(self, size: int) -> None:
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(size,), name="caption-font", daemon=True)
        self._thread.start()

    def _run(self, size: int) -> None:
        try:
            from PIL import Image, ImageDraw  # noqa: F401  (what the sheet draws with)

            font(size)
        except Exception as exc:  # raised again on the caller's thread by wait(), as if it were its own
            self._error = exc

    def wait(self) -> None:
        """Return once loaded; raise what loading raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error


def preload(size: int) -> Preload:
    """Start loading Pillow and the font at ``size`` pixels in a thread."""
    return Preload(size)


def size_for(tile: int) -> int:
    """The caption font size for tiles whose longer side is ``tile`` pixels."""
    return max(MIN_SIZE, min(MAX_SIZE, round(tile / 16)))


def width(text: str, size: int) -> int:
    """Pixels ``text`` takes at ``size``."""
    return int(font(size).getlength(text) + 0.999)


def line_height(size: int) -> int:
    """Height of one caption line, with a little leading."""
    return round(size * 1.3)


def lines(parts: tuple[str, str], size: int, room: int) -> tuple[str, ...]:
    """``parts`` on one line when that fits in ``room`` pixels, else one part per line."""
    joined = SEPARATOR.join(parts)
    return (joined,) if width(joined, size) <= room else parts
