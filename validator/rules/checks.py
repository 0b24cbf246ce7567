"""The checks: a pure function of facts and profile to findings. Nothing here touches a file.

The checks live by family (:mod:`~validator.rules.structure`, :mod:`~validator.rules.picture`,
:mod:`~validator.rules.alpha`); this module runs them in documentation order and lets the profile
assign each finding's severity. The fixes (:mod:`validator.rules.fixes`) are imported only where a
check finds something to fix: importing them took 8.7 ms (fastest of 15 fresh processes on the
shared 2-core machine), which judging a good file does not pay.
"""

from __future__ import annotations

from pathlib import PurePath

from validator.facts import MediaFacts
from validator.findings import Finding, sort_findings
from validator.profile import Profile
from validator.rules import alpha, picture, structure
from validator.rules.conformance import conform_command, conform_plan, conform_recipe
from validator.rules.draft import Check, Draft, clock, finalise

__all__ = ["clock", "conform_command", "conform_plan", "conform_recipe", "evaluate", "unreadable"]

_CHECKS: tuple[Check, ...] = (
    structure.file_truncated,
    structure.video_missing,
    structure.container_format,
    picture.duration_range,
    picture.resolution,
    alpha.transparency,
    picture.rotation,
    picture.pixel_aspect,
    picture.frame_rate,
    structure.audio_missing,
    structure.moov_at_end,
    structure.extension_mismatch,
)
"""Every check, in the order their findings are listed within a severity."""


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
            fix
            or "If the file is genuine, re-export it (a sane file's headers read in well under a second); "
            "a slow disk or network may need a longer --timeout."
        )
    elif truncated:
        rule = "file-truncated"
        fix = fix or "Copy or export the file again: it is incomplete."
    else:
        rule = "file-unreadable"
        fix = fix or "Re-export the video as MP4 (H.264) or MOV/WebM: this file is damaged or not a video."
    draft = Draft(rule, f"{PurePath(path).name}: {reason}", "a readable MP4, MOV or WebM video", reason, fix)
    return _finalise([draft], profile)


def _finalise(drafts: list[Draft], profile: Profile) -> tuple[Finding, ...]:
    return sort_findings(finalise(drafts, profile))
