"""What every check returns, and the helpers the rule families share.

A check yields :class:`Draft` findings: the profile assigns their severity afterwards (or turns the
rule off), so no check needs to know about overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.facts import MediaFacts
from validator.findings import Finding
from validator.profile import Profile

if TYPE_CHECKING:  # only content findings carry time ranges; a plain check never loads their records
    from validator.content.facts import Span


@dataclass(frozen=True, slots=True)
class Draft:
    """A finding before the profile assigns its severity."""

    rule: str
    """Rule id from :mod:`validator.rules.catalog`."""
    message: str
    """One sentence for people."""
    expected: str | None
    """What the profile asks for."""
    actual: str | None
    """What the file has."""
    fix: str | None
    """What to do about it: usually an exact ffmpeg command."""
    at: tuple[Span, ...] = ()
    """Where in the take it happens (content rules)."""


def finalise(drafts: Iterable[Draft], profile: Profile) -> list[Finding]:
    """The findings: each draft with the severity the profile gives its rule; ``off`` rules dropped."""
    out: list[Finding] = []
    for d in drafts:
        severity = profile.severity(d.rule)
        if severity is not None:
            out.append(Finding(d.rule, severity, d.message, d.expected, d.actual, d.fix, d.at))
    return out


Check = Callable[[MediaFacts, Profile, "bool | None"], Iterator[Draft]]
"""One check: facts, profile and the declared ``Transparent`` flag to drafts."""


def clock(seconds: float) -> str:
    """``330.0`` -> ``5:30.0 (330.0 s)``."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f} ({seconds:.1f} s)"


def size_text(w: int | None, h: int | None) -> str:
    return f"{w}x{h}" if w and h else "unknown"


def needs_scale(facts: MediaFacts, profile: Profile) -> bool:
    """Whether the picture must be scaled: a size the profile does not accept, rotation metadata or
    non-square pixels."""
    video = facts.video
    if video is None:
        return False
    size = (video.display_width, video.display_height)
    sar = video.sample_aspect_ratio
    return size not in profile.resolutions or video.rotation != 0 or (sar is not None and sar != 1)


def too_long(facts: MediaFacts, profile: Profile) -> bool:
    video = facts.video
    return video is not None and video.duration is not None and video.duration > profile.max_duration


def variable_rate(facts: MediaFacts, profile: Profile) -> bool:
    """Whether the judged rate (:attr:`~validator.facts.VideoStreamFacts.frame_rate`) strays from the
    nominal one by more than the profile tolerates. A rate a fragmented MP4 states is its own
    nominal rate: FFmpeg's average from the first few packets is no evidence of a variable rate."""
    video = facts.video
    if video is None or not video.frame_rate or not video.nominal_rate:
        return False
    gap = abs(video.frame_rate - video.nominal_rate) / video.nominal_rate
    return float(gap) > profile.variable_rate_tolerance
