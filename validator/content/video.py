"""The picture of a take: index the packets, decode the planned samples, find and confirm cuts.

1. Demux every packet (no decoding): the index of keyframes and packet sizes (:mod:`.index`), and
   from it the cut candidates: keyframes off the cadence, packets far larger than their neighbours.
2. Plan ~``content_samples`` frames over the whole take (:mod:`.plan`), plus the frame before and
   the frame at each of the few strongest candidates.
3. Decode those frames in one pass (:mod:`.decode`) and measure them (:mod:`.measure`) in a
   second thread while the next ones decode.
4. Where neighbouring samples differ over much of the picture and no cut was confirmed between
   them, confirm the candidates between them (or the keyframes, or the largest packet, when the
   packets suggested none: a cut on a regular keyframe looks like any keyframe) in a second, small
   pass. Samples that look alike have no cut between them worth decoding for.

A candidate is a cut when the frame before and the frame at it differ over at least ``cut_score``
of the picture: a slow pan or a person moving changes little between neighbouring frames.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from validator.content import decode, index, plan
from validator.content.facts import Cut, Sample
from validator.content.measure import Geometry, change, measure, thumbnail

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

    from validator.facts import MediaFacts
    from validator.profile import Profile

AHEAD = 3
"""Decoded frames (1080p: 3 MB each) waiting for the measuring thread, at most."""
MAX_CANDIDATES = 16
"""Cut candidates confirmed at most: each costs up to a GOP of decoding."""
STRONG, STRONG_RATIO = 4, 8.0
"""The packets' best candidates confirmed whatever the samples show (a cut away and back between two
samples): at most this many, and only a keyframe off the cadence or a packet this many times its
neighbours' size."""


@dataclass(frozen=True, slots=True)
class Picture:
    """What the picture pass measured."""

    duration: float
    samples: tuple[Sample, ...]
    cuts: tuple[Cut, ...]
    candidates: int
    failed: int


@dataclass(slots=True)
class _Pass:
    container: InputContainer
    stream: VideoStream
    index: index.PacketIndex
    geometry: Geometry
    decoder: str | None
    start: int
    base: float

    def seconds(self, pts: int) -> float:
        return (pts - self.start) * self.base


def analyse_picture(path: str, facts: MediaFacts, profile: Profile) -> Picture:
    """Sample and measure the video stream of ``path``; raises ``av.FFmpegError`` when it cannot be
    opened at all (a file that probed moments ago)."""
    import av

    from validator.probe.deep import alpha_decoder

    video = facts.video
    assert video is not None and video.display_width and video.display_height
    geometry = Geometry(video.display_width, video.display_height, video.rotation, profile.opaque_alpha)
    with av.open(path) as container:
        stream = next(s for s in container.streams.video if s.index == video.index)
        packets = index.build(container, stream)
        if not len(packets):
            return Picture(video.duration or 0.0, (), (), 0, 0)
        start = stream.start_time if stream.start_time is not None else packets.sorted_pts[0]
        base = float(stream.time_base or 0) or 1 / 90000
        run = _Pass(container, stream, packets, geometry, alpha_decoder(facts), start, base)
        duration = video.duration or run.seconds(packets.sorted_pts[-1])
        return _sample(run, duration, profile)


def _sample(run: _Pass, duration: float, profile: Profile) -> Picture:
    times = plan.sample_times(duration, profile.content_samples, profile.content_spacing)
    wanted = [run.start + round(t / run.base) for t in times]
    candidates = index.cut_candidates(run.index, 64)
    strong = _pairs(run.index, [p for score, p in candidates[:STRONG] if score >= STRONG_RATIO])
    budget = max(profile.content_samples, 1) * 30
    targets = plan.frame_targets(run.index, wanted, budget, [p for pair in strong for p in pair])
    tally = decode.Tally()
    samples: list[tuple[Sample, Any]] = []
    thumbs: dict[int, Any] = {}
    for target, (sample, thumb) in _measured(run, _decoded(run, targets, tally)):
        if sample is not None:
            samples.append((sample, thumb))
        thumbs[target.position] = thumb
    cuts = _confirm(run, strong, thumbs, profile.cut_score)
    weak = [p for _, p in candidates if (run.index.previous(p), p) not in strong]
    more = _between_samples(run, samples, cuts, weak, profile.cut_score, MAX_CANDIDATES - len(strong))
    if more:
        targets = plan.frame_targets(run.index, [], 10**9, [p for pair in more for p in pair])
        more_thumbs = {t.position: thumbnail(f, run.geometry) for t, f in _decoded(run, targets, tally)}
        cuts += _confirm(run, more, more_thumbs, profile.cut_score)
    return Picture(
        duration=duration,
        samples=tuple(sorted((s for s, _ in samples), key=lambda s: s.time)),
        cuts=tuple(sorted(cuts, key=lambda c: c.time)),
        candidates=len(strong) + len(more),
        failed=tally.failed,
    )


def _measured(
    run: _Pass, decoded: Iterator[tuple[plan.Target, VideoFrame]]
) -> Iterator[tuple[plan.Target, tuple[Sample | None, Any]]]:
    """Each decoded target with its sample (``None`` for a frame only compared for a cut) and its
    thumbnail, in order. The measuring runs in a second thread while this one decodes the next
    frames: OpenCV and FFmpeg both release the GIL, so on two cores the faces cost little wall time
    beyond the decoding. At most :data:`AHEAD` frames wait, so memory stays bounded."""
    from concurrent.futures import Future, ThreadPoolExecutor

    def work(target: plan.Target, frame: VideoFrame) -> tuple[Sample | None, Any]:
        if target.sample:
            return measure(frame, run.seconds(target.pts), run.geometry)
        return None, thumbnail(frame, run.geometry)

    waiting: deque[tuple[plan.Target, Future[tuple[Sample | None, Any]]]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="content-measure") as pool:
        for target, frame in decoded:
            waiting.append((target, pool.submit(work, target, frame)))
            while len(waiting) > AHEAD:
                target, done = waiting.popleft()
                yield target, done.result()
        while waiting:
            target, done = waiting.popleft()
            yield target, done.result()


def _decoded(run: _Pass, targets: list[plan.Target], tally: decode.Tally) -> Any:
    keyframe_of = {}
    for t in targets:
        key = run.index.keyframe_before(t.position)
        keyframe_of[t.position] = (run.index.pts[key], key)
    return decode.decoded(
        run.container, run.stream, targets, keyframe_of=keyframe_of, decoder=run.decoder, tally=tally
    )


def _pairs(packets: index.PacketIndex, candidates: list[int]) -> list[tuple[int, int]]:
    """(frame shown before, candidate) for each candidate."""
    out: list[tuple[int, int]] = []
    for position in candidates:
        before = packets.previous(position)
        if before is not None:
            out.append((before, position))
    return out


def _confirm(run: _Pass, pairs: list[tuple[int, int]], thumbs: dict[int, Any], threshold: float) -> list[Cut]:
    cuts: list[Cut] = []
    for before, at in pairs:
        if before in thumbs and at in thumbs:
            score = change(thumbs[before], thumbs[at])
            if score >= threshold:
                cuts.append(Cut(round(run.seconds(run.index.pts[at]), 3), round(score, 3)))
    return cuts


def _between_samples(
    run: _Pass,
    sampled: list[tuple[Sample, Any]],
    cuts: list[Cut],
    weak: list[int],
    threshold: float,
    room: int,
) -> list[tuple[int, int]]:
    """Pairs to confirm where neighbouring samples differ over at least half of ``threshold`` of the
    picture and no cut was found between them: either side of each keyframe between them (a cut is
    usually coded as one) and of the packets' candidates there, else of the largest packet. Samples
    that look alike have no cut between them worth decoding for."""
    sampled = sorted(sampled, key=lambda s: s[0].time)
    cut_times = sorted(c.time for c in cuts)
    keys_by_pts = sorted((run.index.pts[k], k) for k in run.index.keyframes)
    weak_by_pts = sorted((run.index.pts[k], k) for k in weak)
    pairs: list[tuple[int, int]] = []
    for (a, thumb_a), (b, thumb_b) in pairwise(sampled):
        if len(pairs) >= room or change(thumb_a, thumb_b) < threshold / 2:
            continue
        at = bisect.bisect_right(cut_times, a.time)
        if at < len(cut_times) and cut_times[at] <= b.time:
            continue
        low, high = run.start + round(a.time / run.base), run.start + round(b.time / run.base)
        between = _within(keys_by_pts, low, high)
        between += [k for k in _within(weak_by_pts, low, high) if k not in between]
        largest = _largest_between(run.index, low, high)
        if not between and largest is not None:
            between = [largest]
        pairs.extend(_pairs(run.index, between[:4]))
    return pairs[:room]


def _within(by_pts: list[tuple[int, int]], low: int, high: int) -> list[int]:
    lo = bisect.bisect_right(by_pts, (low, 1 << 62))
    hi = bisect.bisect_right(by_pts, (high, 1 << 62))
    return [k for _, k in by_pts[lo:hi]]


def _largest_between(packets: index.PacketIndex, low: int, high: int) -> int | None:
    first = bisect.bisect_right(packets.sorted_pts, low)
    last = bisect.bisect_right(packets.sorted_pts, high)
    span = packets.order[first:last]
    return max(span, key=packets.size.__getitem__) if span else None
