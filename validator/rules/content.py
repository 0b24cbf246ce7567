"""The picture's content rules (``--content``): faces, cuts, light, HDR, green screen, alpha matte.

A pure function of :class:`~validator.content.facts.ContentFacts`, the probe's facts and the
profile, like every other check; each finding says where in the take it happens (``Finding.at``,
runs of neighbouring samples merged into spans). The sound's rules are
:mod:`validator.rules.content_audio`'s. A rule that had nothing to judge (no sample decoded) does not
pass quietly: ``content-unchecked`` says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from validator.content.facts import ContentFacts, Sample, Span
from validator.facts import MediaFacts
from validator.findings import Finding, sort_findings
from validator.profile import Profile

HDR_TRANSFERS = {"smpte2084": "PQ (SMPTE ST 2084)", "arib-std-b67": "HLG (ARIB STD-B67)"}
WIDE_PRIMARIES = {"bt2020": "BT.2020"}
FAILED_SHARE = 0.1
"""Share of planned frames that may fail to decode before ``content-unchecked`` says so."""


@dataclass(frozen=True, slots=True)
class _Draft:
    rule: str
    message: str
    expected: str | None
    actual: str | None
    fix: str | None
    at: tuple[Span, ...] = ()


def evaluate(content: ContentFacts, facts: MediaFacts, profile: Profile) -> tuple[Finding, ...]:
    """Every picture (and, when available, sound) finding for one analysed file."""
    drafts: list[_Draft] = [*hdr(facts)]
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
    return sort_findings([*_final(drafts, profile), *_audio(content, facts, profile)])


def unchecked(reason: str, profile: Profile) -> tuple[Finding, ...]:
    """The finding for content that could not be analysed at all."""
    return tuple(_final([_unchecked(reason)], profile))


def _unchecked(reason: str) -> _Draft:
    return _Draft(
        "content-unchecked",
        f"The content could not be fully checked: {reason}.",
        "every sampled frame decoded",
        reason,
        "Re-export the take (a damaged file trains badly too), then run check --content again.",
    )


def _final(drafts: Sequence[_Draft], profile: Profile) -> list[Finding]:
    out: list[Finding] = []
    for d in drafts:
        severity = profile.severity(d.rule)
        if severity is not None:
            out.append(Finding(d.rule, severity, d.message, d.expected, d.actual, d.fix, d.at))
    return out


def _audio(content: ContentFacts, facts: MediaFacts, profile: Profile) -> list[Finding]:
    """The sound's findings (:mod:`validator.rules.content_audio`)."""
    from validator.rules import content_audio

    return list(content_audio.evaluate(content, facts, profile))


def mmss(seconds: float) -> str:
    """``161.4`` -> ``2:41``."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def span_text(span: Span) -> str:
    """``2:41-2:55``, or ``2:41`` for an instant."""
    start, end = mmss(span.start), mmss(span.end)
    return start if start == end else f"{start}-{end}"


def runs(samples: Sequence[Sample], hit: Callable[[Sample], bool]) -> tuple[Span, ...]:
    """Spans of consecutive samples for which ``hit`` holds, from the first such sample's time to
    the last one's."""
    spans: list[Span] = []
    start: float | None = None
    last = 0.0
    for sample in samples:
        if hit(sample):
            start = sample.time if start is None else start
            last = sample.time
        elif start is not None:
            spans.append(Span(start, last))
            start = None
    if start is not None:
        spans.append(Span(start, last))
    return tuple(spans)


def _where(spans: tuple[Span, ...]) -> str:
    shown = ", ".join(span_text(s) for s in spans[:4])
    return shown + (f" and {len(spans) - 4} more" if len(spans) > 4 else "")


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} samples ({part / whole:.0%})"


def face_missing(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    samples = content.samples
    missing = sum(1 for s in samples if not s.faces)
    if missing / len(samples) <= profile.face_missing_share:
        return
    at = runs(samples, lambda s: not s.faces)
    yield _Draft(
        "face-missing",
        f"No face was found in {_share(missing, len(samples))}.",
        f"a face in at least {1 - profile.face_missing_share:.0%} of the samples",
        f"no face in {missing / len(samples):.0%}",
        "Keep your face in the picture, looking at the camera, for the whole take: re-record, or trim "
        f"the stretches without it ({_where(at)}).",
        at,
    )


def face_count(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    samples = content.samples
    crowded = sum(1 for s in samples if len(s.faces) >= 2)
    if crowded / len(samples) <= profile.face_count_share:
        return
    at = runs(samples, lambda s: len(s.faces) >= 2)
    most = max(len(s.faces) for s in samples)
    yield _Draft(
        "face-count",
        f"Up to {most} faces are in the picture in {_share(crowded, len(samples))}.",
        "one person only",
        f"{most} faces",
        "Record alone: nobody else in the picture, and no photo, poster or screen showing a face.",
        at,
    )


def face_small(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    heights = [s.faces[0].height for s in content.samples if s.faces]
    if not heights:
        return
    short = min(content.frame_width, content.frame_height)
    share = statistics.median(heights) / short
    if share >= profile.face_min_height:
        return
    yield _Draft(
        "face-small",
        f"The face is small: {share:.0%} of the frame's shorter side (median of {len(heights)} samples).",
        f"at least {profile.face_min_height:.0%} of {short} px",
        f"{share:.0%} ({round(share * short)} px)",
        f"Move the camera closer or zoom in until your face fills at least {profile.face_min_height:.0%} "
        "of the frame height (head and shoulders in the picture).",
    )


def face_edge(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
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
    yield _Draft(
        "face-edge",
        f"The face touches the frame's edge in {_share(touching, len(with_face))}.",
        "the face clear of the frame's edges",
        f"at the edge in {touching / len(with_face):.0%}",
        "Sit in the middle of the picture with room above the head and on both sides, and stay there.",
        at,
    )


def face_unsteady(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
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

    moving = _merge(
        Span(a.time, b.time)
        for a, b in pairwise(faced)
        if _distance(_centre(a), _centre(b)) / size > profile.face_jump / 2
    )

    def away(s: Sample) -> bool:
        return bool(s.faces) and _distance(_centre(s), home) / size > profile.face_drift / 2

    at = moving or runs(content.samples, away)
    yield _Draft(
        "face-unsteady",
        f"The face moves around the picture: its position spreads over {drift:.1f} face heights"
        + (f", with {len(jumps)} jump(s)." if jumps else "."),
        f"at most {profile.face_drift:g} face heights of movement",
        f"{drift:.1f} face heights",
        "Put the camera on a tripod, do not move or zoom it during the take, and stay seated.",
        at,
    )


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Spans that touch or overlap merged, in time order."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return tuple(out)


def _centre(s: Sample) -> tuple[float, float]:
    b = s.faces[0]
    return b.x + b.width / 2, b.y + b.height / 2


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5)


def scene_cut(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    cuts = [c for c in content.cuts if c.score >= profile.cut_score]
    if not cuts:
        return
    at = tuple(Span(c.time, c.time) for c in cuts)
    edges = [0.0, *(c.time for c in cuts), content.duration]
    start, end = max(pairwise(edges), key=lambda p: p[1] - p[0])
    yield _Draft(
        "scene-cut",
        f"The take is edited: {len(cuts)} hard cut(s) in the picture.",
        "one continuous take",
        f"{len(cuts)} cut(s)",
        "Record one continuous take without edits; or keep only the longest uncut stretch, "
        f"{mmss(start)}-{mmss(end)} ({end - start:.0f} s), if it is long enough.",
        at,
    )


def exposure(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    lumas = [s.luma for s in content.samples if s.luma is not None]
    if not lumas:
        return
    level = statistics.median(lumas)
    low, high = profile.exposure_min_luma, profile.exposure_max_luma
    if low <= level <= high:
        return
    dark = level < low
    at = runs(content.samples, lambda s: s.luma is not None and (s.luma < low if dark else s.luma > high))
    yield _Draft(
        "exposure",
        f"The face is {'too dark' if dark else 'over-exposed'}: median luma {level:.0f} of 255.",
        f"face luma {low:g} to {high:g}",
        f"{level:.0f}",
        "Light the face evenly from the front (a soft light at eye level) and set the exposure by hand."
        if dark
        else "Lower the exposure or the light on the face until the skin keeps its texture.",
        at,
    )


def blur(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    values = [s.sharpness for s in content.samples if s.sharpness is not None]
    if not values:
        return
    level = statistics.median(values)
    if level >= profile.blur_min_sharpness:
        return
    limit = profile.blur_min_sharpness
    at = runs(content.samples, lambda s: s.sharpness is not None and s.sharpness < limit)
    yield _Draft(
        "blur",
        f"The face is soft: sharpness {level:.0f}, below {limit:g} (median of {len(values)} samples).",
        f"sharpness at least {limit:g}",
        f"{level:.0f}",
        "Focus on the face and lock the focus (autofocus off), clean the lens, and record at a shutter "
        "speed that freezes the mouth (1/60 s or faster).",
        at,
    )


def hdr(facts: MediaFacts) -> Iterator[_Draft]:
    video = facts.video
    if video is None:
        return
    what = [HDR_TRANSFERS[t] for t in (video.color_transfer,) if t in HDR_TRANSFERS]
    what += [f"{WIDE_PRIMARIES[p]} primaries" for p in (video.color_primaries,) if p in WIDE_PRIMARIES]
    if not what:
        return
    yield _Draft(
        "hdr",
        f"The video is HDR or wide-gamut ({', '.join(what)}): avatar services train on SDR Rec.709.",
        "SDR, BT.709",
        ", ".join(what),
        "Record or export in SDR Rec.709 (turn HDR off on the camera or phone, or export SDR from the "
        "editor); a tone-mapped conversion of HDR footage looks flat.",
    )


def _green(content: ContentFacts, profile: Profile) -> list[Sample]:
    """The samples on a green screen, when most are: else none (not a green-screen take)."""
    green = [s for s in content.samples if (s.key_share or 0) >= profile.greenscreen_min_share]
    return green if len(green) * 2 >= len(content.samples) else []


def greenscreen_uneven(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    spreads = [s.key_spread for s in _green(content, profile) if s.key_spread is not None]
    if not spreads:
        return
    level = statistics.median(spreads)
    limit = profile.greenscreen_max_spread
    if level <= limit:
        return
    yield _Draft(
        "greenscreen-uneven",
        f"The green screen is unevenly lit: its brightness spreads {level:.0%} around its median.",
        f"at most {limit:.0%}",
        f"{level:.0%}",
        "Light the screen on its own, evenly from both sides, and pull out creases and shadows.",
        runs(content.samples, lambda s: s.key_spread is not None and s.key_spread > limit),
    )


def green_spill(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    spills = [s.spill for s in _green(content, profile) if s.spill is not None]
    if not spills:
        return
    level = statistics.median(spills)
    limit = profile.spill_max_share
    if level <= limit:
        return
    yield _Draft(
        "green-spill",
        f"Green from the screen spills onto the face: {level:.0%} of its pixels are tinted green.",
        f"at most {limit:.0%}",
        f"{level:.0%}",
        "Move 1.5-2.5 m further from the green screen, light yourself separately (a back light helps), "
        "and wear nothing green or reflective.",
        runs(content.samples, lambda s: s.spill is not None and s.spill > limit),
    )


def alpha_hole(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    limit = profile.alpha_face_opaque
    judged = [s for s in content.samples if s.face_opaque is not None]
    holed = [s for s in judged if s.face_opaque is not None and s.face_opaque < limit]
    if not holed:
        return
    worst = min(s.face_opaque or 0.0 for s in holed)
    at = runs(content.samples, lambda s: s.face_opaque is not None and s.face_opaque < limit)
    yield _Draft(
        "alpha-hole",
        f"The alpha matte is transparent inside the face in {_share(len(holed), len(judged))} "
        f"(as little as {worst:.0%} of the face opaque).",
        f"at least {limit:.0%} of the face opaque",
        f"{worst:.0%}",
        "Key or matte the take again so the whole subject is opaque (check the matte over the eyes, "
        "teeth and glasses), or send the video without alpha and Transparent=false.",
        at,
    )


def alpha_flicker(content: ContentFacts, profile: Profile) -> Iterator[_Draft]:
    matted = [s for s in content.samples if s.opaque is not None]
    limit = profile.alpha_flicker
    jumps = [
        Span(a.time, b.time)
        for a, b in pairwise(matted)
        if abs((a.opaque or 0.0) - (b.opaque or 0.0)) > limit
    ]
    if not jumps:
        return
    yield _Draft(
        "alpha-flicker",
        f"The opaque area of the alpha matte jumps between samples {len(jumps)} time(s).",
        f"changes of at most {limit:.0%} of the picture",
        f"{len(jumps)} jump(s)",
        "Matte the take again with a steady key (no per-frame auto-keying), and keep the background and "
        "light unchanged during the take.",
        tuple(jumps),
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

_CHECKS: tuple[Callable[[ContentFacts, Profile], Iterator[_Draft]], ...] = (
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
