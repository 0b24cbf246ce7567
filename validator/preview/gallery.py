"""The HTML report's pictures: each file's sampled tiles as small JPEGs, gathered before rendering.

The report's formatter is pure (report in, text out), so the command that writes a report decodes the
frames first, here, and hands the formatter a mapping of path to :class:`Gallery`. Tiles are the
contact sheet's own (:func:`validator.preview.sheet.sample`: upright, over the checkerboard); their
captions are HTML text in the page, not pixels. JPEG at a modest size keeps a 50-file page to a few MB.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from validator.errors import ProbeError
from validator.preview.sheet import Layout, Tile, sample

REPORT_LAYOUT = Layout(frames=6, columns=6, tile=180)
"""Six tiles 180 px wide: one row across a card in a 1280 px window, a few KB a tile."""
QUALITY = 72
"""JPEG quality: the checkerboard's squares stay crisp enough to tell, the file stays small."""


@dataclass(frozen=True, slots=True)
class Thumb:
    """One tile as a picture the page embeds."""

    tile: Tile
    image: bytes
    """The encoded picture."""
    mime: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Gallery:
    """A file's tiles, or why there are none."""

    thumbs: tuple[Thumb, ...] = ()
    problem: str | None = None


def gallery(path: str, *, layout: Layout = REPORT_LAYOUT, opaque_alpha: int = 250) -> Gallery:
    """The tiles of ``path``; a file that cannot be decoded gives a :class:`Gallery` saying why."""
    from PIL import Image

    try:
        frames = sample(path, layout=layout, opaque_alpha=opaque_alpha)
    except ProbeError as exc:
        return Gallery(problem=exc.reason)
    except OSError as exc:
        return Gallery(problem=exc.strerror or str(exc))
    thumbs = []
    for tile, rgb in zip(frames.tiles, frames.pixels, strict=True):
        out = io.BytesIO()
        Image.frombytes("RGB", (frames.width, frames.height), rgb).save(out, "JPEG", quality=QUALITY)
        thumbs.append(Thumb(tile, out.getvalue(), "image/jpeg", frames.width, frames.height))
    return Gallery(tuple(thumbs))


def galleries(
    paths: Sequence[str], *, jobs: int | None = None, opaque_alpha: int = 250
) -> Mapping[str, Gallery]:
    """:func:`gallery` of every path, decoded in parallel threads (FFmpeg releases the GIL)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        made = list(pool.map(lambda p: gallery(p, opaque_alpha=opaque_alpha), paths))
    return dict(zip(paths, made, strict=True))
