"""Captions drawn with Pillow's bundled scalable font: readable at any tile size, no font file to ship.

``ImageFont.load_default(size=...)`` gives the FreeType font inside the Pillow wheel (Pillow 10.1+), so
captions scale with the tile instead of being blown-up bitmap pixels. A caption that does not fit one
line beside its tile is split into two (time, then share); the sheet widens its columns for the rare
tile narrower than either line.
"""

from __future__ import annotations

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
