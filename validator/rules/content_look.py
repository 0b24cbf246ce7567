"""How the picture looks (``--content``): light and focus on the face, HDR, the green screen and
the alpha matte. Pure functions of the content facts and the profile, like :mod:`.content`'s.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from itertools import pairwise

from validator.content.facts import ContentFacts, Sample, Span
from validator.facts import MediaFacts
from validator.profile import Profile
from validator.rules.draft import Draft
from validator.rules.spans import runs, share

HDR_TRANSFERS = {"smpte2084": "PQ (SMPTE ST 2084)", "arib-std-b67": "HLG (ARIB STD-B67)"}
WIDE_PRIMARIES = {"bt2020": "BT.2020"}


def exposure(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    lumas = [s.luma for s in content.samples if s.luma is not None]
    if not lumas:
        return
    level = statistics.median(lumas)
    low, high = profile.exposure_min_luma, profile.exposure_max_luma
    if low <= level <= high:
        return
    dark = level < low
    at = runs(content.samples, lambda s: s.luma is not None and (s.luma < low if dark else s.luma > high))
    yield Draft(
        "exposure",
        f"The face is {'too dark' if dark else 'over-exposed'}: median luma {level:.0f} of 255.",
        f"face luma {low:g} to {high:g}",
        f"{level:.0f}",
        "Light the face evenly from the front (a soft light at eye level) and set the exposure by hand."
        if dark
        else "Lower the exposure or the light on the face until the skin keeps its texture.",
        at,
    )


def blur(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    values = [s.sharpness for s in content.samples if s.sharpness is not None]
    if not values:
        return
    level = statistics.median(values)
    if level >= profile.blur_min_sharpness:
        return
    limit = profile.blur_min_sharpness
    at = runs(content.samples, lambda s: s.sharpness is not None and s.sharpness < limit)
    yield Draft(
        "blur",
        f"The face is soft: sharpness {level:.0f}, below {limit:g} (median of {len(values)} samples).",
        f"sharpness at least {limit:g}",
        f"{level:.0f}",
        "Focus on the face and lock the focus (autofocus off), clean the lens, and record at a shutter "
        "speed that freezes the mouth (1/60 s or faster).",
        at,
    )


def hdr(facts: MediaFacts) -> Iterator[Draft]:
    video = facts.video
    if video is None:
        return
    what = [HDR_TRANSFERS[t] for t in (video.color_transfer,) if t in HDR_TRANSFERS]
    what += [f"{WIDE_PRIMARIES[p]} primaries" for p in (video.color_primaries,) if p in WIDE_PRIMARIES]
    if not what:
        return
    yield Draft(
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


def greenscreen_uneven(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    spreads = [s.key_spread for s in _green(content, profile) if s.key_spread is not None]
    if not spreads:
        return
    level = statistics.median(spreads)
    limit = profile.greenscreen_max_spread
    if level <= limit:
        return
    yield Draft(
        "greenscreen-uneven",
        f"The green screen is unevenly lit: its brightness spreads {level:.0%} around its median.",
        f"at most {limit:.0%}",
        f"{level:.0%}",
        "Light the screen on its own, evenly from both sides, and pull out creases and shadows.",
        runs(content.samples, lambda s: s.key_spread is not None and s.key_spread > limit),
    )


def green_spill(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    spills = [s.spill for s in _green(content, profile) if s.spill is not None]
    if not spills:
        return
    level = statistics.median(spills)
    limit = profile.spill_max_share
    if level <= limit:
        return
    yield Draft(
        "green-spill",
        f"Green from the screen spills onto the face: {level:.0%} of its pixels are tinted green.",
        f"at most {limit:.0%}",
        f"{level:.0%}",
        "Move 1.5-2.5 m further from the green screen, light yourself separately (a back light helps), "
        "and wear nothing green or reflective.",
        runs(content.samples, lambda s: s.spill is not None and s.spill > limit),
    )


def alpha_hole(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    limit = profile.alpha_face_opaque
    judged = [s for s in content.samples if s.face_opaque is not None]
    holed = [s for s in judged if s.face_opaque is not None and s.face_opaque < limit]
    if not holed:
        return
    worst = min(s.face_opaque or 0.0 for s in holed)
    at = runs(content.samples, lambda s: s.face_opaque is not None and s.face_opaque < limit)
    yield Draft(
        "alpha-hole",
        f"The alpha matte is transparent inside the face in {share(len(holed), len(judged))} "
        f"(as little as {worst:.0%} of the face opaque).",
        f"at least {limit:.0%} of the face opaque",
        f"{worst:.0%}",
        "Key or matte the take again so the whole subject is opaque (check the matte over the eyes, "
        "teeth and glasses), or send the video without alpha and Transparent=false.",
        at,
    )


def alpha_flicker(content: ContentFacts, profile: Profile) -> Iterator[Draft]:
    matted = [s for s in content.samples if s.opaque is not None]
    limit = profile.alpha_flicker
    jumps = [
        Span(a.time, b.time)
        for a, b in pairwise(matted)
        if abs((a.opaque or 0.0) - (b.opaque or 0.0)) > limit
    ]
    if not jumps:
        return
    yield Draft(
        "alpha-flicker",
        f"The opaque area of the alpha matte jumps between samples {len(jumps)} time(s).",
        f"changes of at most {limit:.0%} of the picture",
        f"{len(jumps)} jump(s)",
        "Matte the take again with a steady key (no per-frame auto-keying), and keep the background and "
        "light unchanged during the take.",
        tuple(jumps),
    )
