"""A tiny built-in bitmap font for captions: digits, time and percent signs, and "no alpha".

Five by seven pixels a glyph, drawn at any integer scale. Enough for ``0:41  62.0%``; nothing else
in the tool draws text, so a font file or an imaging library would be dead weight.
"""

from __future__ import annotations

WIDTH, HEIGHT = 5, 7
"""Glyph cell in font pixels (an extra column of space separates glyphs)."""

_GLYPHS = {  # seven rows of five pixels each: # is ink
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    ":": "..... ..#.. ..#.. ..... ..#.. ..#.. .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    "%": "##... ##..# ...#. ..#.. .#... #..## ...##",
    "-": "..... ..... ..... ##### ..... ..... .....",
    " ": "..... ..... ..... ..... ..... ..... .....",
    "n": "..... ..... #.##. ##..# #...# #...# #...#",
    "o": "..... ..... .###. #...# #...# #...# .###.",
    "a": "..... ..... .###. ....# .#### #...# .####",
    "l": ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "p": "..... ..... ####. #...# ####. #.... #....",
    "h": "#.... #.... #.##. ##..# #...# #...# #...#",
}


GLYPHS: dict[str, list[str]] = {char: rows.split() for char, rows in _GLYPHS.items()}
"""Each glyph as seven rows of five ``#`` (ink) or ``.`` (paper) characters."""


def text_width(text: str, scale: int) -> int:
    """Pixels ``text`` takes at ``scale``, with one font pixel between glyphs."""
    return max(0, len(text) * (WIDTH + 1) - 1) * scale


def draw(
    canvas: bytearray, stride: int, x: int, y: int, text: str, scale: int, colour: bytes = b"\xee\xee\xee"
) -> None:
    """Draw ``text`` into an RGB24 ``canvas`` (``stride`` bytes a row) with its top-left at ``x, y``.

    Characters the font lacks are drawn as spaces.
    """
    run = colour * scale
    for index, char in enumerate(text):
        left = x + index * (WIDTH + 1) * scale
        for row, line in enumerate(GLYPHS.get(char, GLYPHS[" "])):
            for col, ink in enumerate(line):
                if ink != "#":
                    continue
                start = (left + col * scale) * 3
                for dy in range(scale):
                    offset = (y + row * scale + dy) * stride + start
                    canvas[offset : offset + len(run)] = run
