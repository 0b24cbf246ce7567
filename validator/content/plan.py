"""Which frames to decode: sample times over the whole take, snapped to frames the index knows.

The samples are spread over the whole take, denser in its first and last half minute (where a
take opens with the silent, mouth-closed lead-in the providers ask for, and where a person reaches
for the camera). Each sample is moved to a keyframe when one is near (decoding it is one packet),
else it is the exact frame, decoded forward from where the decoder already is or from the keyframe
before it, whichever is fewer packets. A budget of decoded packets bounds the cost of a take whose
keyframes are minutes apart: past it, samples fall back to keyframes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from validator.content.index import PacketIndex

SEEK_COST = 3
"""A seek, counted in decoded packets (the demuxer's reposition and the decoder's flush)."""
EDGE_SECONDS = 30.0
"""How long the dense opening and closing stretches are, at most (a tenth of a short take)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One frame to decode."""

    position: int
    """Index in decode order."""
    pts: int
    sample: bool
    """Measured in full (faces, light, matte); otherwise only compared for a cut."""
    seek: bool = False
    """Seek to the keyframe before it rather than decode on from the previous target."""


def sample_times(duration: float, count: int, spacing: float) -> list[float]:
    """At most ``count`` times in ``[0, duration)``, never closer than ``spacing`` seconds: an eighth
    of them in the first stretch, a twelfth in the last, the rest evenly between."""
    if duration <= 0:
        return [0.0]
    count = max(1, min(count, int(duration / spacing) + 1))
    edge = min(EDGE_SECONDS, duration / 10)
    head, tail = round(count / 8), round(count / 12)
    middle = max(1, count - head - tail)
    times = [duration * (i + 0.5) / middle for i in range(middle)]
    times += [edge * i / head for i in range(head)] if head else [0.0]
    times += [duration - edge + edge * (i + 0.5) / tail for i in range(tail)]
    kept: list[float] = []
    for t in sorted(times):
        if not kept or t - kept[-1] >= spacing * 0.999:
            kept.append(t)
    return kept


def frame_targets(
    index: PacketIndex, pts_of: list[int], budget: int, extra: list[int] | None = None
) -> list[Target]:
    """The frames to decode for sample presentation times ``pts_of`` (and, not measured, the
    positions in ``extra``), sorted by presentation time with the seek decisions made."""
    wanted: dict[int, bool] = {}
    for n, pts in enumerate(pts_of):
        position = index.nearest(pts)
        key = _near_keyframe(index, position, pts, pts_of, n)
        wanted[key if key is not None else position] = True
    for position in extra or ():
        wanted.setdefault(position, False)
    ordered = sorted(wanted, key=index.pts.__getitem__)
    targets: list[Target] = []
    cursor: int | None = None
    spent = 0
    for position in ordered:
        key = index.keyframe_before(position)
        from_key = position - key + SEEK_COST
        onward = position - cursor if cursor is not None and cursor < position else None
        cost = from_key if onward is None else min(from_key, onward)
        if spent + cost > budget and wanted[position] and position != key:
            position, cost = key, SEEK_COST  # over budget: the keyframe itself stands in
            onward = None
        seek = onward is None or from_key < onward
        spent += cost
        cursor = max(position, cursor or 0)
        targets.append(Target(position, index.pts[position], wanted.get(position, True), seek))
    unique: dict[int, Target] = {}
    for target in targets:  # a keyframe standing in may already be a target
        if target.position not in unique or target.sample:
            unique[target.position] = target
    return sorted(unique.values(), key=lambda t: t.pts)


def _near_keyframe(index: PacketIndex, position: int, pts: int, pts_of: list[int], n: int) -> int | None:
    """A keyframe closer to ``pts`` than 40% of the gap to the neighbouring samples, if any."""
    gaps = [abs(pts - pts_of[m]) for m in (n - 1, n + 1) if 0 <= m < len(pts_of)]
    reach = 0.4 * min(gaps) if gaps else float("inf")
    before = index.keyframe_before(position)
    candidates = [before]
    at = bisect.bisect_right(index.keyframes, position)
    if at < len(index.keyframes):
        candidates.append(index.keyframes[at])
    best = min(candidates, key=lambda k: abs(index.pts[k] - pts))
    return best if abs(index.pts[best] - pts) <= reach else None
