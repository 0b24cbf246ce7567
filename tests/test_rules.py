"""Each rule fires on the files that break it, and only on those (every rule both ways)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.media import CASES
from validator import Severity, check_file
from validator.facts import MediaFacts
from validator.findings import BatchReport, FileReport
from validator.formats import Format, render
from validator.profile import Profile
from validator.rules.checks import conform_command, evaluate


@pytest.mark.parametrize("name", sorted(CASES))
def test_exactly_the_expected_findings(name: str, media: Callable[[str], Path]) -> None:
    case = CASES[name]
    report = check_file(media(name))
    assert {f.rule for f in report.errors} == case.errors
    assert {f.rule for f in report.warnings} == case.warnings
    for finding in report.findings:
        assert finding.message and finding.fix, f"{finding.rule} has no fix"


def test_every_rule_is_exercised_both_ways() -> None:
    fired = set().union(*(c.errors | c.warnings for c in CASES.values()))
    from validator.rules.catalog import RULES

    # file-unreadable, file-truncated, video-missing, transparent-mismatch and the alpha rules are
    # covered by test_broken_files.py, test_paths.py and test_transparent.py; everything else must
    # appear in the table.
    elsewhere = {
        "probe-limit",
        "file-unreadable",
        "file-truncated",
        "video-missing",
        "transparent-mismatch",
        "alpha-unknown",
        "alpha-opaque",
        # the sound of --content: tests/content/test_audio*.py
        "speech-low",
        "lead-in-silence",
        "audio-clipping",
        "audio-level",
        "audio-noise",
        "audio-unchecked",
    }
    from validator.cloud.audit_rules import RULE_IDS as JOB_RULES  # jobs --audit: tests/cloud/test_audit.py
    from validator.rules.content import RULE_IDS  # --content: tests/content/test_picture*.py

    assert set(RULES) - elsewhere - set(RULE_IDS) - JOB_RULES <= fired
    assert any(not (c.errors | c.warnings) for c in CASES.values()), "no clean file in the table"


@pytest.mark.parametrize(
    ("name", "passes"), [("dur_299_9", False), ("dur_300", True), ("dur_900", True), ("dur_900_1", False)]
)
def test_duration_boundaries(name: str, passes: bool, media: Callable[[str], Path]) -> None:
    report = check_file(media(name))
    assert (not report.failed()) is passes


def test_fixes_are_runnable_commands(media: Callable[[str], Path]) -> None:
    report = check_file(media("res_720p"))
    fix = next(f.fix for f in report.findings if f.rule == "resolution")
    assert fix is not None and fix.startswith("ffmpeg -i ")
    assert "scale=1920:1080" in fix and "hd720.fixed.mp4" in fix
    assert report.conform is not None and "scale=1920:1080" in report.conform


def test_trim_fix_for_a_long_video(media: Callable[[str], Path]) -> None:
    report = check_file(media("dur_900_1"))
    fix = next(f.fix for f in report.findings if f.rule == "duration-range")
    assert fix is not None and "-t 900" in fix


def test_alpha_fix_keeps_alpha(media: Callable[[str], Path]) -> None:
    report = check_file(media("ffv1_alpha"))
    fix = next(f.fix for f in report.findings if f.rule == "container-format")
    assert fix is not None and "prores_ks" in fix and "yuva444p10le" in fix


def test_profile_overrides_thresholds_and_severities(media: Callable[[str], Path]) -> None:
    lenient = Profile(min_duration=60.0, severities={"audio-missing": None, "resolution": Severity.WARNING})
    report = check_file(media("res_720p"), profile=lenient)
    assert not report.failed()
    assert {f.rule for f in report.warnings} == {"resolution"}
    short = check_file(media("dur_299_9"), profile=lenient)
    assert not short.failed()


def _combined(report_facts: MediaFacts, profile: Profile) -> tuple[str | None, str]:
    """The combined command ``check`` offers for ``report_facts``, and the text report's block."""
    findings = evaluate(report_facts, profile)
    conform = conform_command(report_facts, profile, findings)
    report = FileReport(report_facts.path, report_facts, findings, None, conform)
    return conform, render(Format.TEXT, BatchReport((report,), profile.name))


def test_no_combined_command_when_an_error_needs_a_new_recording(media: Callable[[str], Path]) -> None:
    """Too short and too small: a re-encode fixes the size, never the length, so no "everything"."""
    facts = check_file(media("res_720p")).facts
    assert facts is not None and facts.video is not None
    short = replace(facts, video=replace(facts.video, duration=240.0))
    conform, text = _combined(short, Profile())
    assert conform is None
    assert "to fix everything at once" not in text
    assert "fix: ffmpeg -i" in text  # the size's own fix is still offered


def test_combined_command_when_every_error_has_a_conforming_fix(media: Callable[[str], Path]) -> None:
    """Too long and too small: one run trims and scales, so it is offered."""
    facts = check_file(media("res_720p")).facts
    assert facts is not None and facts.video is not None
    long = replace(facts, video=replace(facts.video, duration=1000.0))
    conform, text = _combined(long, Profile())
    assert conform is not None and "scale=1920:1080" in conform and " -t 900 " in conform
    assert f"to fix everything at once: {conform}" in text
    assert check_file(media("res_720p")).conform is not None  # as probed: only the size is wrong
