"""The checks: a pure function of facts and profile to findings. Nothing here touches a file.

The fixes (:mod:`validator.rules.fixes`) are imported where a check finds something to fix, so
judging a good file never builds the machinery for ffmpeg commands.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from validator.facts import MediaFacts, MoovPosition
from validator.findings import Finding, sort_findings
from validator.profile import Profile

if TYPE_CHECKING:
    from validator.rules.fixes import Plan
    from validator.rules.recipe import Recipe

EXTENSIONS = {
    ".mp4": "mp4",
    ".m4v": "m4v",
    ".mov": "mov",
    ".qt": "mov",
    ".webm": "webm",
    ".mkv": "matroska",
    ".3gp": "3gp",
    ".3g2": "3gp",
    ".m4a": "m4a",
}
"""What container each video extension promises."""
CANONICAL_EXTENSION = {
    "mp4": "mp4",
    "mov": "mov",
    "webm": "webm",
    "matroska": "mkv",
    "3gp": "3gp",
    "m4v": "m4v",
}

Draft = tuple[str, str, "str | None", "str | None", "str | None"]
"""(rule, message, expected, actual, fix) before the profile assigns a severity."""


def clock(seconds: float) -> str:
    """``330.0`` -> ``5:30.0 (330.0 s)``."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f} ({seconds:.1f} s)"


def evaluate(
    facts: MediaFacts, profile: Profile, declared_transparent: bool | None = None
) -> tuple[Finding, ...]:
    """Every finding for one probed file, errors first, severities from the profile."""
    drafts: list[Draft] = []
    for check in _CHECKS:
        drafts.extend(check(facts, profile, declared_transparent))
    return _finalise(drafts, profile)


def unreadable(
    path: str,
    reason: str,
    *,
    profile: Profile,
    truncated: bool = False,
    limit: bool = False,
    fix: str | None = None,
) -> tuple[Finding, ...]:
    """Findings for a file the probe could not open, or gave up on."""
    if limit:
        rule = "probe-limit"
        fix = (
            fix or "If the file is genuine, re-export it (a sane file's headers read in well under a second)."
        )
    elif truncated:
        rule = "file-truncated"
        fix = fix or "Copy or export the file again: it is incomplete."
    else:
        rule = "file-unreadable"
        fix = fix or "Re-export the video as MP4 (H.264) or MOV/WebM: this file is damaged or not a video."
    drafts: list[Draft] = [
        (rule, f"{PurePath(path).name}: {reason}", "a readable MP4, MOV or WebM video", reason, fix)
    ]
    return _finalise(drafts, profile)


def conform_plan(facts: MediaFacts, profile: Profile) -> Plan:
    """What a run conforming this file must change (empty when only the container or index is wrong)."""
    from validator.rules import fixes

    return fixes.Plan(
        scale=_needs_scale(facts, profile),
        trim=_too_long(facts, profile),
        constant_rate=_variable_rate(facts, profile),
    )


def _too_long(facts: MediaFacts, profile: Profile) -> bool:
    video = facts.video
    return video is not None and video.duration is not None and video.duration > profile.max_duration


def conform_recipe(
    facts: MediaFacts, profile: Profile, plan: Plan | None = None, target: str | None = None
) -> Recipe | None:
    """The one ffmpeg run that fixes every fixable problem at once; ``None`` if there is nothing to fix.

    ``plan`` adds the caller's choices (crop, drop alpha, draft) to what the facts require; a
    ``target`` whose container differs from the file's always yields a run.
    """
    if facts.video is None:
        return None
    if plan is None and target is None and _conforms(facts, profile):
        return None
    from validator.rules import fixes

    needed = conform_plan(facts, profile)
    if plan is not None:
        needed = replace(plan, scale=needed.scale, trim=needed.trim, constant_rate=needed.constant_rate)
    wanted = fixes.container_of(target) if target else None
    if needed.reencodes:
        return fixes.encode_recipe(facts, profile, needed, target)
    if needed.trim or facts.container not in profile.containers:
        return fixes.remux_recipe(facts, profile, needed, target)
    if wanted is not None and (wanted != facts.container or facts.moov_position is MoovPosition.END):
        return fixes.remux_recipe(facts, profile, needed, target)
    if facts.moov_position is MoovPosition.END and target is None:
        return fixes.remux_recipe(facts, profile, needed, fixes.output_path(facts, facts.container or "mp4"))
    return None


def _conforms(facts: MediaFacts, profile: Profile) -> bool:
    """Nothing for a conforming run to change: the common case, told without building a plan."""
    return not (
        _needs_scale(facts, profile)
        or _too_long(facts, profile)
        or _variable_rate(facts, profile)
        or facts.container not in profile.containers
        or facts.moov_position is MoovPosition.END
    )


def conform_command(facts: MediaFacts, profile: Profile) -> str | None:
    """:func:`conform_recipe` as the shell command ``check`` prints."""
    recipe = conform_recipe(facts, profile)
    return recipe.command() if recipe else None


def _finalise(drafts: list[Draft], profile: Profile) -> tuple[Finding, ...]:
    out: list[Finding] = []
    for rule, message, expected, actual, fix in drafts:
        severity = profile.severity(rule)
        if severity is not None:
            out.append(Finding(rule, severity, message, expected, actual, fix))
    return sort_findings(out)


# -- the checks ---------------------------------------------------------------------------------------

Check = Callable[[MediaFacts, Profile, "bool | None"], Iterator[Draft]]


def _truncated(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.truncated:
        yield (
            "file-truncated",
            "The file is cut short: its structure claims more data than it holds.",
            "a complete file",
            f"{facts.size} bytes",
            "Copy or export the file again; it is incomplete.",
        )


def _container(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.container in profile.containers:
        return
    from validator.rules import fixes

    accepted = ", ".join(c.upper() for c in profile.containers)
    yield (
        "container-format",
        f"The container is {facts.container}, not {accepted}.",
        accepted,
        str(facts.container),
        fixes.remux(facts, profile) if facts.video else None,
    )


def _extension(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    ext = os.path.splitext(facts.path)[1].lower()
    promised = EXTENSIONS.get(ext)
    if facts.container is None or promised == facts.container:
        return
    from validator.rules import fixes

    right = CANONICAL_EXTENSION.get(facts.container)
    fix = fixes.rename(facts, right) if right else None
    yield (
        "extension-mismatch",
        f"The extension {ext or '(none)'} does not match the content, which is {facts.container}.",
        f".{right}" if right else None,
        ext or "(none)",
        fix,
    )


def _video_present(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is None:
        kinds = "audio only" if facts.audio else "no streams"
        yield (
            "video-missing",
            f"The file has no video stream ({kinds}).",
            "one video stream",
            kinds,
            "Supply the recorded video file, not an audio or data file.",
        )


def _duration(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
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
        yield (
            "duration-range",
            "The video stream's duration could not be determined.",
            expected,
            None,
            fixes.remux(facts, profile),
        )
    elif seconds < profile.min_duration:
        yield (
            "duration-range",
            f"The video is too short: {clock(duration)}.",
            expected,
            clock(duration),
            f"Record a longer take: at least {clock(profile.min_duration)} of continuous footage.",
        )
    else:
        yield (
            "duration-range",
            f"The video is too long: {clock(duration)}.",
            expected,
            clock(duration),
            fixes.remux(facts, profile, fixes.Plan(trim=True, scale=_needs_scale(facts, profile))),
        )


def _size_text(w: int | None, h: int | None) -> str:
    return f"{w}x{h}" if w and h else "unknown"


def _needs_scale(facts: MediaFacts, profile: Profile) -> bool:
    video = facts.video
    if video is None:
        return False
    size = (video.display_width, video.display_height)
    sar = video.sample_aspect_ratio
    return size not in profile.resolutions or video.rotation != 0 or (sar is not None and sar != 1)


def _resolution(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None or (video.display_width, video.display_height) in profile.resolutions:
        return
    from validator.rules import fixes

    accepted = " or ".join(f"{w}x{h}" for w, h in profile.resolutions)
    shown = _size_text(video.display_width, video.display_height)
    detail = (
        f" (coded {_size_text(video.width, video.height)}, rotated {video.rotation})"
        if video.rotation
        else ""
    )
    yield (
        "resolution",
        f"The displayed size is {shown}{detail}, not {accepted}.",
        accepted,
        shown,
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def _rotation(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None or not video.rotation:
        return
    from validator.rules import fixes

    yield (
        "rotation",
        f"Rotation metadata ({video.rotation} degrees): stored "
        f"{_size_text(video.width, video.height)}, displayed "
        f"{_size_text(video.display_width, video.display_height)}; ICE may judge either.",
        "no rotation",
        f"{video.rotation} degrees",
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def _pixel_aspect(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    sar = video.sample_aspect_ratio if video else None
    if sar is None or sar == 1:
        return
    from validator.rules import fixes

    yield (
        "pixel-aspect",
        f"Pixels are not square (sample aspect ratio {sar.numerator}:{sar.denominator}).",
        "1:1",
        f"{sar.numerator}:{sar.denominator}",
        fixes.encode(facts, profile, fixes.Plan(scale=True)),
    )


def _variable_rate(facts: MediaFacts, profile: Profile) -> bool:
    video = facts.video
    if video is None or not video.average_rate or not video.nominal_rate:
        return False
    average, nominal = video.average_rate, video.nominal_rate
    # |average - nominal| / nominal in integers: the same float as with Fractions, without their cost
    gap = abs(average.numerator * nominal.denominator - nominal.numerator * average.denominator)
    return gap / (nominal.numerator * average.denominator) > profile.variable_rate_tolerance


def _frame_rate(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    video = facts.video
    if video is None:
        return
    rate = video.average_rate
    if rate is not None and float(rate) < profile.min_frame_rate:
        yield (
            "frame-rate-low",
            f"The frame rate is {float(rate):.2f} fps, below {profile.min_frame_rate:g}.",
            f">= {profile.min_frame_rate:g} fps",
            f"{float(rate):.2f} fps",
            f"Record at {profile.min_frame_rate:g} fps or more (30 is best); converting adds no motion.",
        )
    if _variable_rate(facts, profile):
        assert video.nominal_rate is not None and rate is not None
        from validator.rules import fixes

        yield (
            "frame-rate-variable",
            f"The frame rate is variable (average {float(rate):.2f}, "
            f"nominal {float(video.nominal_rate):.2f}).",
            "constant frame rate",
            f"average {float(rate):.2f} fps",
            fixes.encode(facts, profile, fixes.Plan(constant_rate=True, scale=_needs_scale(facts, profile))),
        )


def _audio(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is not None and not facts.audio:
        from validator.rules import fixes

        yield (
            "audio-missing",
            "The file has no audio track: the avatar's voice is usually trained from it.",
            "an audio track",
            "none",
            fixes.add_audio(facts),
        )


def _moov(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.moov_position is MoovPosition.END:
        from validator.rules import fixes

        yield (
            "moov-at-end",
            "The index (moov) is at the end of the file: probing it remotely is slow.",
            "moov before the media data",
            "moov after the media data",
            fixes.faststart(facts),
        )


def _transparent(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is None:
        return
    derived = facts.transparent
    evidence = "; ".join(p.detail for p in facts.alpha.pieces) or "no evidence"
    if derived is None:
        yield (
            "alpha-unknown",
            "Whether the video carries an alpha channel cannot be told from its headers.",
            "pixel format or alpha_mode known",
            "unknown",
            "Run with --deep to decode frames, or declare --transparent explicitly.",
        )
    elif declared is not None and declared != derived:
        says = "carries" if derived else "has no"
        yield (
            "transparent-mismatch",
            f"Transparent={declared} was declared, but the video {says} an alpha channel ({evidence}).",
            f"Transparent={derived}",
            f"Transparent={declared}",
            f"Send Transparent={derived} (run with --transparent {str(derived).lower()} or auto), "
            "or supply the video you meant.",
        )
    deep = facts.alpha.deep
    if derived and deep is not None and deep.alpha_decoded and deep.transparent_share == 0:
        from validator.rules import fixes

        yield (
            "alpha-opaque",
            f"An alpha channel is present but all {deep.frames_sampled} sampled frames are fully opaque.",
            "some transparent pixels",
            "0% transparent",
            "If no transparency is meant, drop the alpha and send Transparent=false: "
            + fixes.encode(facts, profile, fixes.Plan(drop_alpha=True)),
        )


_CHECKS: tuple[Check, ...] = (
    _truncated,
    _video_present,
    _container,
    _duration,
    _resolution,
    _transparent,
    _rotation,
    _pixel_aspect,
    _frame_rate,
    _audio,
    _moov,
    _extension,
)
