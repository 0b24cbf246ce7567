"""Checks of the picture over time: duration, displayed size, rotation, pixel shape and frame rate."""

from __future__ import annotations

from collections.abc import Iterator

from validator.facts import MediaFacts
from validator.profile import Profile
from validator.rules.draft import Draft, clock, needs_scale, size_text, variable_rate


def duration_range(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None:
        return
    duration = video.duration
    seconds = None if duration is None else round(duration, 3)  # no container stores finer than 1 ms
    if seconds is not None and profile.min_duration <= seconds <= profile.max_duration:
        return
    from validator.rules import fixes

    expected = f"{clock(profile.min_duration)} to {clock(profile.max_duration)}"
    if duration is None or seconds is None:
        yield Draft(
            "duration-range",
            "The video stream's duration could not be determined.",
            expected,
            None,
            fixes.remux(facts, profile),
        )
    elif seconds < profile.min_duration:
        yield Draft(
            "duration-range",
            f"The video is too short: {clock(duration)}.",
            expected,
            clock(duration),
            f"Record a longer take: at least {clock(profile.min_duration)} of continuous footage.",
        )
    else:
        yield Draft(
            "duration-range",
            f"The video is too long: {clock(duration)}.",
            expected,
            clock(duration),
            fixes.remux(facts, profile, fixes.Plan(trim=True, scale=needs_scale(facts, profile))),
        )


def resolution(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None or (video.display_width, video.display_height) in profile.resolutions:
        return
    from validator.rules import fixes

    accepted = " or ".join(f"{w}x{h}" for w, h in profile.resolutions)
    shown = size_text(video.display_width, video.display_height)
    detail = (
        f" (coded {size_text(video.width, video.height)}, rotated {video.rotation})" if video.rotation else ""
    )
    yield Draft(
        "resolution",
        f"The displayed size is {shown}{detail}, not {accepted}.",
        accepted,
        shown,
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def rotation(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None or not video.rotation:
        return
    from validator.rules import fixes

    yield Draft(
        "rotation",
        f"Rotation metadata ({video.rotation} degrees): stored "
        f"{size_text(video.width, video.height)}, displayed "
        f"{size_text(video.display_width, video.display_height)}; ICE may judge either.",
        "no rotation",
        f"{video.rotation} degrees",
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def pixel_aspect(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    sar = video.sample_aspect_ratio if video else None
    if sar is None or sar == 1:
        return
    from validator.rules import fixes

    yield Draft(
        "pixel-aspect",
        f"Pixels are not square (sample aspect ratio {sar.numerator}:{sar.denominator}).",
        "1:1",
        f"{sar.numerator}:{sar.denominator}",
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def frame_rate(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None:
        return
    rate = video.frame_rate
    if rate is not None and float(rate) < profile.min_frame_rate:
        yield Draft(
            "frame-rate-low",
            f"The frame rate is {float(rate):.2f} fps, below {profile.min_frame_rate:g}.",
            f">= {profile.min_frame_rate:g} fps",
            f"{float(rate):.2f} fps",
            f"Record at {profile.min_frame_rate:g} fps or more (30 is best); converting adds no motion.",
        )
    if variable_rate(facts, profile):
        assert video.nominal_rate is not None and rate is not None
        from validator.rules import fixes

        yield Draft(
            "frame-rate-variable",
            f"The frame rate is variable (average {float(rate):.2f}, "
            f"nominal {float(video.nominal_rate):.2f}).",
            "constant frame rate",
            f"average {float(rate):.2f} fps",
            fixes.encode(facts, profile, fixes.Plan(constant_rate=True, scale=needs_scale(facts, profile))),
        )
