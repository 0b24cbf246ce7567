"""The picture's content rules (``--content``): faces, cuts, light, HDR, green screen, alpha matte.

A pure function of :class:`~validator.content.facts.ContentFacts`, the probe's facts and the
profile, like every other check; each finding says where in the take it happens (``Finding.at``,
runs of neighbouring samples merged into spans). The sound's rules are
:mod:`validator.rules.content_audio`'s. A rule that had nothing to judge (no sample decoded) does not
pass quietly: ``content-unchecked`` says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from itertools import pairwise

from validator.content.facts import ContentFacts, Sample, Span
from validator.facts import MediaFacts
from validator.findings import Finding, sort_findings
from validator.profile import Profile
from validator.rules.content_look import (
    alpha_flicker,
    alpha_hole,
    blur,
    exposure,
    green_spill,
    greenscreen_uneven,
    hdr,
)
from validator.rules.draft import Draft, finalise
from validator.rules.spans import merge, mmss, runs, share, where

FAILED_SHARE = 0.1
"""Share of planned frames that may fail to decode before ``content-unchecked`` says so."""


def evaluate(content: ContentFacts, facts: MediaFacts, profile: Profile) -> tuple[Finding, ...]:
    """Every picture (and, when available, sound) finding for one analysed file."""
    drafts: list[Draft] = [*hdr(facts)]
    if not content.samples:
        drafts.append(_unchecked("no sampled frame could be decoded"))
    else:
        for check in _CHECKS:
            drafts.extend(check(content, profile))
        planned = len(content.samples) + content.samples_failed
        if content.samples_failed > FAILED_SHARE * planned:
            drafts.append(
                _unchecked(f"{content.samples_failed} of {planned} planned frames could not be decoded")
            )
    return sort_findings([*finalise(drafts, profile), *_audio(content, facts, profile)])


def unchecked(reason: str, profile: Profile) -> tuple[Finding, ...]:
    """The finding for content that could not be analysed at all."""
    return tuple(finalise([_unchecked(reason)], profile))


def _unchecked(reason: str) -> Draft:
    return Draft(
        "content-unchecked",
        f"The content could not be fully checked: {reason}.",
        "every sampled frame decoded",
        reason,
        "Re-export the take (a damaged file trains badly too), then run check --content again.",
    )


def _audio(content: ContentFacts, facts: MediaFacts, profile: Profile) -> list[Finding]:
    """The sound's findings (:mod:`validator.rules.content_audio`)."""
    from validator.rules import content_audio

    return list(content_audio.evaluate(content, facts, profile))


def face_missing(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    samples = content.samples
    missing = sum(1 for s in samples if not s.faces)
    if missing / len(samples) <= profile.face_missing_share:
        return
    at = runs(samples, lambda s: not s.faces)
    yield Draft(
        "face-missing",
        f"No face was found in {share(missing, len(samples))}.",
        f"a face in at least {1 - profile.face_missing_share:.0%} of the samples",
        f"no face in {missing / len(samples):.0%}",
        "Keep your face in the picture, looking at the camera, for the whole take: re-record, or trim "
        f"the stretches without it ({where(at)}).",
        at,
    )


def face_count(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    samples = content.samples
    crowded = sum(1 for s in samples if len(s.faces) >= 2)
    if crowded / len(samples) <= profile.face_count_share:
        return
    at = runs(samples, lambda s: len(s.faces) >= 2)
    most = max(len(s.faces) for s in samples)
    yield Draft(
        "face-count",
        f"Up to {most} faces are in the picture in {share(crowded, len(samples))}.",
        "one person only",
        f"{most} faces",
        "Record alone: nobody else in the picture, and no photo, poster or screen showing a face.",
        at,
    )


def face_small(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    heights = [s.faces[0].height for s in content.samples if s.faces]
    if not heights:
        return
    short = min(content.frame_width, content.frame_height)
    share = statistics.median(heights) / short
    if share >= profile.face_min_height:
        return
    yield Draft(
        "face-small",
        f"The face is small: {share:.0%} of the frame's shorter side (median of {len(heights)} samples).",
        f"at least {profile.face_min_height:.0%} of {short} px",
        f"{share:.0%} ({round(share * short)} px)",
        f"Move the camera closer or zoom in until your face fills at least {profile.face_min_height:.0%} "
        "of the frame height (head and shoulders in the picture).",
    )


def face_edge(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    width, height = content.frame_width, content.frame_height
    mx, my = profile.face_edge_margin * width, profile.face_edge_margin * height

    def edge(s: Sample) -> bool:
        if not s.faces:
            return False
        b = s.faces[0]
        return b.x <= mx or b.y <= my or b.x + b.width >= width - mx or b.y + b.height >= height - my

    with_face = [s for s in content.samples if s.faces]
    touching = sum(1 for s in with_face if edge(s))
    if not with_face or touching / len(with_face) <= profile.face_edge_share:
        return
    at = runs(content.samples, edge)
    yield Draft(
        "face-edge",
        f"The face touches the frame's edge in {share(touching, len(with_face))}.",
        "the face clear of the frame's edges",
        f"at the edge in {touching / len(with_face):.0%}",
        "Sit in the middle of the picture with room above the head and on both sides, and stay there.",
        at,
    )


def face_unsteady(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    faced = [s for s in content.samples if s.faces]
    if len(faced) < 3:
        return
    size = statistics.median(s.faces[0].height for s in faced)
    xs = sorted(_centre(s)[0] for s in faced)
    ys = sorted(_centre(s)[1] for s in faced)
    lo, hi = round(0.05 * (len(xs) - 1)), round(0.95 * (len(xs) - 1))
    drift = max(xs[hi] - xs[lo], ys[hi] - ys[lo]) / size
    home = (statistics.median(xs), statistics.median(ys))
    jumps = [
        Span(a.time, b.time)
        for a, b in pairwise(faced)
        if _distance(_centre(a), _centre(b)) / size > profile.face_jump and b.time - a.time <= 10
    ]
    if drift <= profile.face_drift and not jumps:
        return

    moving = merge(
        Span(a.time, b.time)
        for a, b in pairwise(faced)
        if _distance(_centre(a), _centre(b)) / size > profile.face_jump / 2
    )

    def away(s: Sample) -> bool:
        return bool(s.faces) and _distance(_centre(s), home) / size > profile.face_drift / 2

    at = moving or runs(content.samples, away)
    yield Draft(
        "face-unsteady",
        f"The face moves around the picture: its position spreads over {drift:.1f} face heights"
        + (f", with {len(jumps)} jump(s)." if jumps else "."),
        f"at most {profile.face_drift:g} face heights of movement",
        f"{drift:.1f} face heights",
        "Put the camera on a tripod, do not move or zoom it during the take, and stay seated.",
        at,
    )


def _centre(s: Sample) -> tuple[float, float]:
    b = s.faces[0]
    return b.x + b.width / 2, b.y + b.height / 2


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5)


def scene_cut(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    cuts = [c for c in content.cuts if c.score >= profile.cut_score]
    if not cuts:
        return
    at = tuple(Span(c.time, c.time) for c in cuts)
    edges = [0.0, *(c.time for c in cuts), content.duration]
    start, end = max(pairwise(edges), key=lambda p: p[1] - p[0])
    yield Draft(
        "scene-cut",
        f"The take is edited: {len(cuts)} hard cut(s) in the picture.",
        "one continuous take",
        f"{len(cuts)} cut(s)",
        "Record one continuous take without edits; or keep only the longest uncut stretch, "
        f"{mmss(start)}-{mmss(end)} ({end - start:.0f} s), if it is long enough.",
        at,
    )


RULE_IDS = (
    "scene-cut",
    "face-missing",
    "face-count",
    "alpha-hole",
    "face-small",
    "face-edge",
    "face-unsteady",
    "exposure",
    "blur",
    "hdr",
    "greenscreen-uneven",
    "green-spill",
    "alpha-flicker",
    "content-unchecked",
)
"""Every rule id this module reports (tested in ``tests/content/``)."""

_CHECKS: tuple[Callable[[ContentFacts, Profile], Iterator[Draft]], ...] = (
    scene_cut,
    face_missing,
    face_count,
    alpha_hole,
    face_small,
    face_edge,
    face_unsteady,
    exposure,
    blur,
    greenscreen_uneven,
    green_spill,
    alpha_flicker,
)
"""The picture checks that need samples, in the order their findings are listed within a severity."""
