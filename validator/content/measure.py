"""What one decoded frame shows: faces (OpenCV's bundled Haar cascade), light, sharpness, the key
colour, the alpha matte; and a thumbnail to compare frames with for cuts.

Frames are decoded at full size but converted to small arrays at once (``reformat`` to 640x360
gray and 320x180 colour costs under 3 ms): faces are looked for at 320x180 (~12 ms, the frontal
cascade with scale steps of 1.2, down to :data:`MIN_FACE`), and the largest face's box is then
measured again at 640x360 in a window around it, so its height is not the coarse
pyramid step of the quick pass (a face of 18% of the height reads 20% at 320x180). Boxes are
returned in displayed-frame pixels. numpy and OpenCV are imported here only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from validator.content.facts import Box, Sample

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

ANALYSIS_SHORT_SIDE = 360
"""Shorter side of the picture the measurements are made on; detection runs at half of it."""
THUMB = (64, 36)
"""Cut thumbnails (landscape; swapped for portrait): small enough that noise and a pan of a few
pixels a frame average out, large enough that another room does not."""
MIN_FACE = 1 / 6
"""Smallest face looked for, as a share of the short side (30 pixels at 320x180, the setting the
reference measured at 11-13 ms a frame): below face-small's 1/5, so a small face is reported as
small; a smaller one is not searched for (down to 1/12 at 640x360 cost ~6 times more, paid on every
frame without a face)."""
SECOND_FACE_SHARE = 0.4
"""A second box counts as a face when it is at least this share of the largest one's height:
smaller boxes are the cascade's false alarms on texture (a real second person in the picture is
rarely under half the speaker's size)."""
_KEY_HUE = (35, 85)
"""OpenCV hue (0-180) of chroma-key green."""
_KEY_MIN_SAT, _KEY_MIN_VALUE = 90, 40
_SPILL_MARGIN = 8
"""Levels by which green must exceed red and blue for a subject pixel to count as spill."""
_MIN_KEY_FOR_SPREAD = 0.05
_SHARPNESS_STD = 50.0
_REFINE_SIZE = 64
"""Face height (pixels) the second, fine measurement of the largest face is made at: 1.5% a pixel."""


@functools.cache
def _cascade() -> Any:
    """The frontal-face cascade inside the opencv-python-headless wheel (read once: ~40 ms)."""
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():  # pragma: no cover - a broken install
        raise RuntimeError(f"OpenCV could not load its face cascade from {path}")
    return cascade


@dataclass(frozen=True, slots=True)
class Geometry:
    """How decoded frames map to the displayed picture and to the analysis size."""

    display_width: int
    display_height: int
    rotation: int
    """Clockwise display rotation, degrees."""
    opaque_alpha: int = 250

    @property
    def analysis(self) -> tuple[int, int]:
        """(width, height) of the displayed picture at the analysis size."""
        scale = ANALYSIS_SHORT_SIDE / min(self.display_width, self.display_height)
        return _even(self.display_width * scale), _even(self.display_height * scale)

    @property
    def analysed_height(self) -> int:
        return self.analysis[1]

    def coded(self, width: int, height: int) -> tuple[int, int]:
        """A displayed size as the decoder's (coded) size, before rotation."""
        return (height, width) if self.rotation in (90, 270) else (width, height)

    def upright(self, array: Any) -> Any:
        """An array of the coded picture turned as displayed."""
        turns = {90: -1, 180: 2, 270: 1}.get(self.rotation)
        return np.ascontiguousarray(np.rot90(array, turns)) if turns else array


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


@functools.cache
def _one_thread() -> dict[str, int]:
    """``reformat``'s keyword for scaling in the calling thread, where PyAV has one (17 and later).

    PyAV 17 made ``reformat`` scale on every core by default; as each call builds its own scaler,
    each call also starts and stops its threads: a 1080p frame to 640x360 gray and 320x180 colour
    took 12 ms of CPU that way instead of 3.4 ms, and longer on the clock too. The samples are
    measured in a thread of their own while the next frame decodes, so one thread is the right size.
    Before 17 there is no keyword and scaling is single-threaded anyway."""
    import av

    return {"threads": 1} if int(av.__version__.split(".")[0]) >= 17 else {}


def plane(frame: VideoFrame, geometry: Geometry, size: tuple[int, int], fmt: str) -> Any:
    """The frame at ``size`` (displayed orientation) in ``fmt`` (``gray``, ``bgr24``) as an array."""
    width, height = geometry.coded(*size)
    small = frame.reformat(width=width, height=height, format=fmt, **_one_thread())
    return geometry.upright(small.to_ndarray())


def thumbnail(frame: VideoFrame, geometry: Geometry) -> Any:
    """A small gray picture for cut comparison."""
    width, height = geometry.analysis
    gray = plane(frame, geometry, (width // 2, height // 2), "gray")
    return _thumb(gray)


def _thumb(gray: Any) -> Any:
    size = THUMB if gray.shape[1] >= gray.shape[0] else THUMB[::-1]
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    return small - small.mean()


def change(a: Any, b: Any, *, cell: int = 6, level: float = 12.0) -> float:
    """Share (0-1) of the picture that changed between two thumbnails: the share of cells whose
    mean difference exceeds ``level`` (8-bit). A cut changes nearly every cell; a speaker moving,
    a face entering or a slow pan changes few between neighbouring frames."""
    diff = np.abs(a - b)
    rows, cols = diff.shape[0] // cell, diff.shape[1] // cell
    cells = diff[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).mean(axis=(1, 3))
    return float((cells > level).mean())


def measure(frame: VideoFrame, time: float, geometry: Geometry) -> tuple[Sample, Any]:
    """The sample of one frame, and its cut thumbnail."""
    width, height = geometry.analysis
    gray = plane(frame, geometry, (width, height), "gray")
    colour = plane(frame, geometry, (width // 2, height // 2), "bgr24")
    boxes = _faces(gray)
    scale = geometry.display_height / height
    faces = tuple(_box(b, scale) for b in boxes)
    largest = boxes[0] if boxes else None
    luma = float(_crop(gray, largest).mean()) if largest is not None else float(gray.mean())
    sharpness = _sharpness(_crop(gray, largest)) if largest is not None else None
    key_share, key_spread = _key(colour, largest)
    spill = _spill(colour, largest) if largest is not None else None
    opaque = face_opaque = None
    alpha = _alpha(frame, geometry, (width // 2, height // 2))
    if alpha is not None:
        solid = alpha >= geometry.opaque_alpha
        opaque = float(solid.mean())
        if largest is not None:
            face_opaque = float(_crop(solid, largest, 0.5).mean())
    sample = Sample(
        time=round(time, 3),
        faces=faces,
        luma=round(luma, 1),
        sharpness=None if sharpness is None else round(sharpness, 1),
        opaque=_r(opaque),
        face_opaque=_r(face_opaque),
        key_share=_r(key_share),
        key_spread=_r(key_spread),
        spill=_r(spill),
    )
    return sample, _thumb(cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _faces(gray: Any) -> list[tuple[int, int, int, int]]:
    """Face boxes at the analysis size, largest first, false alarms (small boxes) dropped."""
    cascade = _cascade()
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    short = min(small.shape)
    found = [
        _four(b, 2)
        for b in cascade.detectMultiScale(
            small, scaleFactor=1.2, minNeighbors=4, minSize=(round(short * MIN_FACE),) * 2
        )
    ]
    if not found:
        return []
    found.sort(key=lambda b: -b[3])
    found[0] = _refine(gray, found[0])
    top = found[0][3]
    return [found[0], *(b for b in found[1:] if b[3] >= SECOND_FACE_SHARE * top)]


def _four(box: Any, scale: int) -> tuple[int, int, int, int]:
    x, y, w, h = (int(v) * scale for v in box)
    return x, y, w, h


def _refine(gray: Any, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box measured again in a window around it, scaled so the face is :data:`_REFINE_SIZE`
    pixels high, with fine scale steps between 85% and 120% of the first guess: a few scales over a
    small window cost far less than the first pass."""
    x, y, w, h = box
    x0, y0 = max(0, x - w // 2), max(0, y - h // 2)
    window = gray[y0 : y + h + h // 2, x0 : x + w + w // 2]
    factor = _REFINE_SIZE / max(h, 1)
    size = (max(1, round(window.shape[1] * factor)), max(1, round(window.shape[0] * factor)))
    resized = cv2.resize(window, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    low, high = int(_REFINE_SIZE * 0.85), int(_REFINE_SIZE * 1.2)
    again = _cascade().detectMultiScale(
        resized, scaleFactor=1.03, minNeighbors=2, minSize=(low, low), maxSize=(high, high)
    )
    if len(again) == 0:
        return (x, y, w, h)
    bx, by, bw, bh = (int(v) / factor for v in max(again, key=lambda b: int(b[3])))
    return (x0 + round(bx), y0 + round(by), round(bw), round(bh))


def _box(box: tuple[int, int, int, int], scale: float) -> Box:
    x, y, w, h = box
    return Box(round(x * scale), round(y * scale), round(w * scale), round(h * scale))


def _crop(array: Any, box: tuple[int, int, int, int], scale: float = 1.0) -> Any:
    x, y, w, h = (round(v * scale) for v in box)
    return array[max(0, y) : y + max(1, h), max(0, x) : x + max(1, w)]


def _sharpness(face: Any) -> float:
    """Variance of the Laplacian over the face resized to 96 pixels high and scaled to a standard
    contrast (:data:`_SHARPNESS_STD`), so the figure grows neither with the face's size nor with
    its light; a soft or out-of-focus face reads low."""
    height = 96
    width = max(1, round(face.shape[1] * height / max(1, face.shape[0])))
    resized = cv2.resize(face, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    spread = float(resized.std())
    if spread > 1.0:  # contrast normalised: a dark face is not a soft one
        resized = (resized - resized.mean()) * (_SHARPNESS_STD / spread)
    return float(cv2.Laplacian(resized, cv2.CV_32F).var())


def _key(colour: Any, face: tuple[int, int, int, int] | None) -> tuple[float, float | None]:
    """Share of the frame in chroma-key green, and how uneven that green's brightness is, measured
    on the background only: clear of the subject (the face box widened by a face width each side,
    down to the bottom of the frame), whose spill would read as an uneven screen."""
    hsv = cv2.cvtColor(colour, cv2.COLOR_BGR2HSV)
    hue, sat, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    mask = (hue >= _KEY_HUE[0]) & (hue <= _KEY_HUE[1]) & (sat >= _KEY_MIN_SAT) & (value >= _KEY_MIN_VALUE)
    share = float(mask.mean())
    if face is not None:
        x, y, w, _ = (v // 2 for v in face)  # the colour picture is at half the analysis size
        mask[max(0, y) :, max(0, x - w) : x + 2 * w] = False
    if share < _MIN_KEY_FOR_SPREAD or not mask.any():
        return share, None
    lit = value[mask].astype(np.float32)
    low, mid, high = np.percentile(lit, (10, 50, 90))
    return share, float((high - low) / max(float(mid), 1.0))


def _spill(colour: Any, box: tuple[int, int, int, int]) -> float:
    """Share of the face's inner pixels (the box less a fifth each side, clear of the background)
    where green stands above red and blue: skin is red over green."""
    x, y, w, h = (v // 2 for v in box)  # the colour picture is at half the analysis size
    inner = colour[y + h // 5 : y + h - h // 5, x + w // 5 : x + w - w // 5].astype(np.int16)
    if inner.size == 0:
        return 0.0
    b, g, r = inner[..., 0], inner[..., 1], inner[..., 2]
    return float(((g > r + _SPILL_MARGIN) & (g > b + _SPILL_MARGIN)).mean())


def _alpha(frame: VideoFrame, geometry: Geometry, size: tuple[int, int]) -> Any | None:
    """The alpha plane at ``size`` as an array; ``None`` for a frame without alpha."""
    if not any(c.is_alpha for c in frame.format.components):
        return None
    width, height = geometry.coded(*size)
    small = frame.reformat(width=width, height=height, format="yuva420p", **_one_thread())
    alpha = small.planes[3]
    raw = np.frombuffer(memoryview(alpha), dtype=np.uint8).reshape(alpha.height, alpha.line_size)
    return geometry.upright(raw[:, : alpha.width])
