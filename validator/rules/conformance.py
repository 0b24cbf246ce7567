"""The one ffmpeg run that conforms a file: what it must change, and whether to offer it.

``check`` offers this run as "to fix everything at once" only when it fixes every error the file
has: a take that is too short, or cut off, needs a new recording whatever the run does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from validator.facts import MediaFacts, MoovPosition
from validator.findings import Finding, Severity
from validator.profile import Profile
from validator.rules.draft import needs_scale, too_long, variable_rate

if TYPE_CHECKING:
    from validator.rules.fixes import Plan
    from validator.rules.recipe import Recipe

FIXED_BY_CONFORMING = frozenset(
    {"container-format", "resolution", "rotation", "pixel-aspect", "frame-rate-variable", "moov-at-end"}
)
"""Rules whose findings the conforming run always clears (``duration-range`` only when too long)."""


def conform_plan(facts: MediaFacts, profile: Profile) -> Plan:
    """What a run conforming this file must change (empty when only the container or index is wrong)."""
    from validator.rules import fixes

    return fixes.Plan(
        scale=needs_scale(facts, profile),
        trim=too_long(facts, profile),
        constant_rate=variable_rate(facts, profile),
    )


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
        needs_scale(facts, profile)
        or too_long(facts, profile)
        or variable_rate(facts, profile)
        or facts.container not in profile.containers
        or facts.moov_position is MoovPosition.END
    )


def conform_command(facts: MediaFacts, profile: Profile, findings: Sequence[Finding]) -> str | None:
    """:func:`conform_recipe` as the shell command ``check`` prints, when that run clears every error
    in ``findings``; ``None`` otherwise."""
    recipe = conform_recipe(facts, profile)
    if recipe is None:
        return None
    if any(f.severity is Severity.ERROR and not _cleared(f, facts, profile) for f in findings):
        return None
    return recipe.command()


def _cleared(finding: Finding, facts: MediaFacts, profile: Profile) -> bool:
    if finding.rule == "duration-range":
        return too_long(facts, profile)
    return finding.rule in FIXED_BY_CONFORMING
