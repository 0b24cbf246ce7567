"""The video packets' index from demuxing alone: timestamps, sizes, keyframe flags. No decoding.

Demuxing every packet of a 15-minute 1080p take costs 0.4-0.6 s (reading the bytes, not decoding
them), and tells where each keyframe is (where a sample can be decoded from a single packet) and
which packets are far larger than their neighbours (where an encoder met a picture it could not
predict: a cut). The index is three flat arrays, so a long take costs a few bytes per frame, and it
stops at :data:`MAX_PACKETS` whatever the file claims.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.stream import VideoStream

MAX_PACKETS = 2_000_000
"""Packets indexed at most (18 hours at 30 fps; ~26 MB): a hostile file cannot grow the index."""


@dataclass(slots=True)
class PacketIndex:
    """Every video packet in decode order. Mutable only while it is built."""

    pts: array[int] = field(default_factory=lambda: array("q"))
    size: array[int] = field(default_factory=lambda: array("l"))
    key: bytearray = field(default_factory=bytearray)
    truncated: bool = False
    """The index stopped at :data:`MAX_PACKETS`."""
    order: list[int] = field(default_factory=list)
    """Positions sorted by presentation time (filled by :meth:`finish`)."""
    sorted_pts: list[int] = field(default_factory=list)
    keyframes: list[int] = field(default_factory=list)
    """Positions of the keyframes, in decode order (filled by :meth:`finish`)."""

    def __len__(self) -> int:
        return len(self.pts)

    def finish(self) -> None:
        self.order = sorted(range(len(self.pts)), key=self.pts.__getitem__)
        self.sorted_pts = [self.pts[i] for i in self.order]
        self.keyframes = [i for i, k in enumerate(self.key) if k]

    def nearest(self, pts: int) -> int:
        """The position (decode order) of the frame shown at or just after ``pts``."""
        at = min(bisect.bisect_left(self.sorted_pts, pts), len(self.sorted_pts) - 1)
        return self.order[at]

    def previous(self, position: int) -> int | None:
        """The frame shown just before the frame at ``position``; ``None`` for the first."""
        at = bisect.bisect_left(self.sorted_pts, self.pts[position])
        return self.order[at - 1] if at > 0 else None

    def keyframe_before(self, position: int) -> int:
        """The last keyframe at or before ``position`` in decode order (where a seek lands)."""
        at = bisect.bisect_right(self.keyframes, position)
        return self.keyframes[at - 1] if at > 0 else 0

    @property
    def intra_only(self) -> bool:
        """Every packet is a keyframe (ProRes, an all-intra export)."""
        return bool(self.key) and all(self.key)


def build(container: InputContainer, stream: VideoStream) -> PacketIndex:
    """Demux every packet of ``stream`` (the others are read past) into an index."""
    index = PacketIndex()
    for packet in container.demux(stream):
        if packet.size == 0 or packet.pts is None:
            continue  # the flush packet at the end; a packet without a time cannot be sampled
        if len(index.pts) >= MAX_PACKETS:
            index.truncated = True
            break
        index.pts.append(packet.pts)
        index.size.append(packet.size)
        index.key.append(1 if packet.is_keyframe else 0)
    index.finish()
    return index


def cut_candidates(index: PacketIndex, limit: int, *, ratio: float = 6.0) -> list[tuple[float, int]]:
    """(score, position) where a cut is likely, best first, at most ``limit``: a keyframe off the
    stream's keyframe cadence (x264 and most camera encoders insert one at a scene change: score
    infinite), or a packet many times larger than the packets around it (an encoder with a fixed GOP
    codes the new picture as a huge predicted frame: score the ratio). The first frame is never a
    candidate: there is nothing before it."""
    scored: list[tuple[float, int]] = []
    keys = index.keyframes
    if index.intra_only:
        scored = _size_steps(index)
    else:
        gaps = sorted(b - a for a, b in pairwise(keys))
        cadence = gaps[len(gaps) // 2] if gaps else 0
        for a, b in pairwise(keys):
            if cadence and b - a < 0.8 * cadence:
                scored.append((float("inf"), b))
        scored.extend(_outsized(index, ratio))
    seen: set[int] = set()
    best: list[tuple[float, int]] = []
    for score, position in sorted(scored, key=lambda s: -s[0]):
        if position != 0 and position not in seen:
            seen.add(position)
            best.append((score, position))
        if len(best) >= limit:
            break
    return best


def _outsized(index: PacketIndex, ratio: float, half: int = 15) -> list[tuple[float, int]]:
    """Non-key packets at least ``ratio`` times the median of the non-key packets around them."""
    inter = [i for i in range(len(index)) if not index.key[i]]
    sizes = [index.size[i] for i in inter]
    out: list[tuple[float, int]] = []
    for n, position in enumerate(inter):
        window = sorted(sizes[max(0, n - half) : n] + sizes[n + 1 : n + 1 + half])
        if not window:
            continue
        median = max(window[len(window) // 2], 1)
        score = sizes[n] / median
        if score >= ratio:
            out.append((score, position))
    return out


def _size_steps(index: PacketIndex) -> list[tuple[float, int]]:
    """All-intra streams: a frame whose size jumps by more than a third from the frame before."""
    out: list[tuple[float, int]] = []
    for n in range(1, len(index.order)):
        here, before = index.size[index.order[n]], index.size[index.order[n - 1]]
        step = abs(here - before) / max(min(here, before), 1)
        if step > 1 / 3:
            out.append((step, index.order[n]))
    return out
