"""The picture of a content take: a real face (``skimage.data.astronaut()``) composited over a background.

Everything that does not change from frame to frame is computed once per take (:class:`Layers`): the
head-and-shoulders cut-out at the take's scale with its soft matte, premultiplied; the background
(texture or chroma green), wider than the frame when the camera pans. A frame is then one paste of
the cut-out at the sway's offset, which keeps a 1080p frame at a few milliseconds.

The astronaut photograph is public domain (NASA) and ships inside scikit-image's wheel, so the
tests see a face that a real detector finds, without any download.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from validator.content.facts import Box

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]
    Floats = NDArray[np.float32]

CROP = (84, 10, 364, 300)
"""Head and shoulders in the 512x512 astronaut photograph: x0, y0, x1, y1."""
FACE = Box(177, 66, 95, 95)
"""Where OpenCV's frontal Haar cascade finds the face in the photograph (scaleFactor 1.1, 5
neighbours), in photograph pixels; the take's face boxes are this box, scaled and moved."""
GREEN = (0, 177, 64)
"""A chroma-key green (sRGB)."""
SWAY_SECONDS = 4.0
"""A seated speaker's sway: one slow period of a few pixels."""


def _resize(rgb: Image, width: int, height: int) -> Image:
    """Resize with FFmpeg's scaler (PyAV), so the generator needs no imaging library beyond numpy."""
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    out = frame.reformat(width=width, height=height, interpolation="AREA").to_ndarray()
    return np.asarray(out, dtype=np.uint8)


@functools.cache
def astronaut() -> Image:
    """The photograph (512x512 RGB), read once per process.

    Read from scikit-image's package folder with PyAV's PNG decoder: ``skimage.data.astronaut()``
    would import ``skimage.io`` and its plugins, seconds on a loaded machine, for one PNG.
    """
    found = importlib.util.find_spec("skimage")  # a test-time dependency (the [test] extra)
    if found is None or found.origin is None:
        raise ModuleNotFoundError("content takes need scikit-image: pip install scikit-image")
    png = Path(found.origin).parent / "data" / "astronaut.png"
    with av.open(str(png)) as container:
        frame = next(container.decode(video=0))
    return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)


def _matte(width: int, height: int) -> Floats:
    """A soft head-and-shoulders matte: an ellipse for the head over a wide one for the shoulders."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    fx, fy = width / (CROP[2] - CROP[0]), height / (CROP[3] - CROP[1])
    hx = (FACE.x + FACE.width / 2 - CROP[0]) * fx
    hy = (FACE.y + FACE.height / 2 - CROP[1]) * fy
    head = ((xx - hx) / (FACE.width * 0.95 * fx)) ** 2 + ((yy - hy) / (FACE.height * 1.25 * fy)) ** 2
    body = ((xx - width / 2) / (width * 0.52)) ** 2 + ((yy - height * 1.05) / (height * 0.62)) ** 2
    inside = np.minimum(head, body)
    edge = 0.04 * width / max(1.0, hx)
    matte: Floats = np.clip((1.0 - inside) / max(edge, 0.02) * 0.5, 0.0, 1.0).astype(np.float32)
    return matte


@dataclass(frozen=True, slots=True)
class Cutout:
    """The subject at one scale: premultiplied colour, matte, and where its face box lies in it."""

    colour: Floats
    """RGB times the matte, float32."""
    matte: Floats
    face: Box

    @property
    def size(self) -> tuple[int, int]:
        return self.matte.shape[1], self.matte.shape[0]


@functools.lru_cache(maxsize=4)
def cutout(face_height: int, mirrored: bool = False, tint: float = 0.0) -> Cutout:
    """The subject scaled so that its face box is ``face_height`` pixels tall; ``tint`` blends that
    share of chroma green into it (spill from a green screen too close behind the subject)."""
    scale = face_height / FACE.height
    x0, y0, x1, y1 = CROP
    width, height = max(2, round((x1 - x0) * scale)), max(2, round((y1 - y0) * scale))
    rgb = _resize(astronaut()[y0:y1, x0:x1], width, height).astype(np.float32)
    matte = _matte(width, height)
    face = Box(round((FACE.x - x0) * scale), round((FACE.y - y0) * scale),
               round(FACE.width * scale), round(FACE.height * scale))
    if mirrored:
        rgb, matte = rgb[:, ::-1], matte[:, ::-1]
        face = Box(width - face.x - face.width, face.y, face.width, face.height)
    if tint:
        rgb = rgb * (1.0 - tint) + np.asarray(GREEN, np.float32) * tint
    return Cutout(np.ascontiguousarray(rgb * matte[..., None]), np.ascontiguousarray(matte), face)


@functools.lru_cache(maxsize=4)
def background(kind: str, width: int, height: int, variant: int = 0) -> Image:
    """The background, ``width`` pixels wide (wider than the frame when the camera pans).

    ``texture``: low-frequency blobs, a room out of focus; ``variant`` gives another room (after a
    cut). ``green``: an even chroma green. Cached: the array is shared, never to be written to.
    """
    if kind == "green":
        out = np.empty((height, width, 3), np.uint8)
        out[...] = GREEN
        return out
    rng = np.random.default_rng(1000 + variant)
    cells = (max(2, height // 60), max(2, width // 60))
    luma = rng.integers(60, 190, size=(*cells, 1)).astype(np.float32)
    coarse = np.clip(luma + rng.normal(0.0, 12.0, size=(*cells, 3)), 0, 255).astype(np.uint8)
    smooth = _resize(coarse, width, height).astype(np.float32)
    tone = np.asarray((1.0, 0.92, 0.8) if variant == 0 else (0.75, 0.88, 1.0), np.float32)
    room: Image = np.clip(smooth * tone, 0, 255).astype(np.uint8)
    return room


def sway(t: float, height: int) -> tuple[int, int]:
    """The seated speaker's offset at ``t``: a few pixels side to side, less up and down."""
    phase = 2 * math.pi * t / SWAY_SECONDS
    amp = height / 180
    return round(amp * 1.5 * math.sin(phase)), round(amp * 0.5 * math.sin(2 * phase))


def paste(frame: Image, cut: Cutout, x: int, y: int) -> None:
    """Composite ``cut`` into ``frame`` with its top-left corner at (x, y), clipped to the frame."""
    h, w = frame.shape[:2]
    cw, ch = cut.size
    fx0, fy0, fx1, fy1 = max(0, x), max(0, y), min(w, x + cw), min(h, y + ch)
    if fx0 >= fx1 or fy0 >= fy1:
        return
    sx0, sy0 = fx0 - x, fy0 - y
    region = frame[fy0:fy1, fx0:fx1].astype(np.float32)
    matte = cut.matte[sy0 : sy0 + fy1 - fy0, sx0 : sx0 + fx1 - fx0, None]
    colour = cut.colour[sy0 : sy0 + fy1 - fy0, sx0 : sx0 + fx1 - fx0]
    frame[fy0:fy1, fx0:fx1] = (region * (1.0 - matte) + colour).astype(np.uint8)


def paste_matte(alpha: Image, cut: Cutout, x: int, y: int) -> None:
    """Add ``cut``'s matte into the alpha plane ``alpha`` (max of the two)."""
    h, w = alpha.shape
    cw, ch = cut.size
    fx0, fy0, fx1, fy1 = max(0, x), max(0, y), min(w, x + cw), min(h, y + ch)
    if fx0 >= fx1 or fy0 >= fy1:
        return
    sx0, sy0 = fx0 - x, fy0 - y
    part = (cut.matte[sy0 : sy0 + fy1 - fy0, sx0 : sx0 + fx1 - fx0] * 255).astype(np.uint8)
    np.maximum(alpha[fy0:fy1, fx0:fx1], part, out=alpha[fy0:fy1, fx0:fx1])
