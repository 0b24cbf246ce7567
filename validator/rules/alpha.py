"""Checks of transparency: the declared ``Transparent`` flag against the file's alpha evidence."""

from __future__ import annotations

from collections.abc import Iterator

from validator.facts import MediaFacts
from validator.profile import Profile
from validator.rules.draft import Draft


def transparency(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is None:
        return
    derived = facts.transparent
    evidence = facts.alpha.summary or "no evidence"
    if derived is None:
        yield Draft(
            "alpha-unknown",
            "Whether the video carries an alpha channel cannot be told from its headers.",
            "pixel format or alpha_mode known",
            "unknown",
            "Run with --deep to decode frames, or declare --transparent explicitly.",
        )
    elif declared is not None and declared != derived:
        says = "carries" if derived else "has no"
        yield Draft(
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

        yield Draft(
            "alpha-opaque",
            f"An alpha channel is present but all {deep.frames_sampled} sampled frames are fully opaque.",
            "some transparent pixels",
            "0% transparent",
            "If no transparency is meant, drop the alpha and send Transparent=false: "
            + fixes.encode(facts, profile, fixes.Plan(drop_alpha=True)),
        )
