"""Where everything is in a content take's frame at a given time: pure arithmetic, no pixels.

The renderer (:mod:`samples.generate.take`) and the ground truth (:meth:`TakeSpec.face_boxes_at`) both
read the layout from here, so the boxes the tests expect are where the faces were painted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from samples.generate.scene import CROP, FACE, sway
from validator.content.facts import Box

if TYPE_CHECKING:
    from samples.generate.content import TakeSpec

CUT_ZOOM = 1.25
"""After a cut the shot is closer: the face is this much larger."""
SECOND_SCALE = 0.85
"""The second person sits a little further back."""


@dataclass(frozen=True, slots=True)
class Placement:
    """One person in the frame: face height in pixels, top-left of the cut-out, mirrored or not."""

    face_height: int
    x: int
    y: int
    mirrored: bool = False


@dataclass(frozen=True, slots=True)
class FrameState:
    """Everything one frame depends on: equal states give equal pictures (and share their packets)."""

    camera_x: int
    """How far the camera has panned, in pixels."""
    room: int
    """0 before a cut, 1 after."""
    people: tuple[Placement, ...]
    """Back to front: the second person first, the subject last."""
    grain: int
    """Which noise field (0 without grain)."""


def _cutout_size(face_height: int) -> tuple[int, int]:
    scale = face_height / FACE.height
    return max(2, round((CROP[2] - CROP[0]) * scale)), max(2, round((CROP[3] - CROP[1]) * scale))


def _face_offset(face_height: int, mirrored: bool) -> tuple[int, int]:
    """The face box's top-left inside the cut-out."""
    scale = face_height / FACE.height
    width, _ = _cutout_size(face_height)
    fx, fy = round((FACE.x - CROP[0]) * scale), round((FACE.y - CROP[1]) * scale)
    if mirrored:
        fx = width - fx - round(FACE.width * scale)
    return fx, fy


def _place(
    spec: TakeSpec, face_height: int, centre_x: float, dx: int, dy: int, mirrored: bool = False
) -> Placement:
    """A person whose face is centred on ``centre_x`` and whose cut-out stands on the frame's bottom."""
    _, ch = _cutout_size(face_height)
    fx, _ = _face_offset(face_height, mirrored)
    scale = face_height / FACE.height
    x = round(centre_x - fx - FACE.width * scale / 2) + dx
    return Placement(face_height, x, spec.height - ch + dy, mirrored)


def _camera(spec: TakeSpec, t: float) -> int:
    if spec.pan is None or t < spec.pan.start:
        return 0
    share = min(1.0, (t - spec.pan.start) / (spec.pan.end - spec.pan.start))
    eased = 0.5 - 0.5 * math.cos(math.pi * share)  # a hand on a tripod head: starts and stops smoothly
    return round(eased * spec.pan_share * spec.width)


def state(spec: TakeSpec, frame: int) -> FrameState:
    """What frame ``frame`` shows."""
    t = frame / spec.fps
    after_cut = spec.cut_at is not None and t >= spec.cut_at
    faces = spec.faces_at(t)
    face_px = round(spec.face_height * spec.height * (CUT_ZOOM if after_cut else 1.0))
    dx, dy = sway(t, spec.height)
    people: list[Placement] = []
    if faces == 2:
        people.append(_place(spec, round(face_px * SECOND_SCALE), spec.width * 0.8, -dx, dy, True))
    if faces >= 1:
        people.append(_place(spec, face_px, spec.width * (0.6 if after_cut else 0.5), dx, dy))
    grain = 0
    if spec.grain:
        grain = 1 + frame % max(1, round(spec.loop_seconds * spec.fps))
    return FrameState(_camera(spec, t), int(after_cut), tuple(people), grain)


def face_box(p: Placement, camera_x: int) -> Box:
    """Where ``p``'s face box is in the frame."""
    fx, fy = _face_offset(p.face_height, p.mirrored)
    size = round(FACE.width * p.face_height / FACE.height)
    return Box(p.x + fx - camera_x, p.y + fy, size, p.face_height)


def face_boxes(spec: TakeSpec, t: float) -> tuple[Box, ...]:
    """The face boxes at ``t``, the subject's first."""
    s = state(spec, min(spec.frame_count - 1, math.floor(t * spec.fps + 1e-9)))
    return tuple(face_box(p, s.camera_x) for p in reversed(s.people))
