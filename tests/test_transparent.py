"""Transparent is derived from the alpha evidence, and a contradicting declaration fails the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from validator import check_file

ALPHA = [
    "vp9_alpha",
    "vp8_alpha",
    "prores_alpha",
    "png_alpha",
    "qtrle_alpha",
    "ffv1_alpha",
    "live_webm",
    "prores_alpha_opaque",
]
OPAQUE = ["landscape", "vp9_webm", "prores_opaque"]


@pytest.mark.parametrize("name", ALPHA + OPAQUE)
def test_derived_flag(name: str, media: Callable[[str], Path]) -> None:
    assert check_file(media(name)).transparent is (name in ALPHA)


@pytest.mark.parametrize("name", ["vp9_alpha", "prores_alpha", "landscape", "vp9_webm"])
def test_declaration_must_match(name: str, media: Callable[[str], Path]) -> None:
    truth = name in ALPHA
    right = check_file(media(name), truth)
    wrong = check_file(media(name), not truth)
    assert "transparent-mismatch" not in {f.rule for f in right.findings}
    mismatch = [f for f in wrong.errors if f.rule == "transparent-mismatch"]
    assert mismatch, "a contradicting Transparent flag must be an error"
    assert mismatch[0].expected == f"Transparent={truth}"
    assert f"--transparent {str(truth).lower()}" in (mismatch[0].fix or "")


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("vp9_alpha", 0.2, 0.95),
        ("vp8_alpha", 0.2, 0.95),
        ("prores_alpha", 0.2, 0.95),
        ("png_alpha", 0.2, 0.95),
        ("qtrle_alpha", 0.2, 0.95),
        ("ffv1_alpha", 0.2, 0.95),
    ],
)
def test_deep_measures_transparent_pixels(
    name: str, low: float, high: float, media: Callable[[str], Path]
) -> None:
    report = check_file(media(name), deep=True)
    assert report.facts is not None
    deep = report.facts.alpha.deep
    assert deep is not None and deep.alpha_decoded and deep.frames_sampled == 8
    assert deep.transparent_share is not None and low < deep.transparent_share < high
    assert "alpha-opaque" not in {f.rule for f in report.findings}


def test_deep_tells_alpha_channel_from_transparency(media: Callable[[str], Path]) -> None:
    report = check_file(media("prores_alpha_opaque"), deep=True)
    assert report.transparent is True  # the channel is there...
    assert report.facts is not None and report.facts.alpha.deep is not None
    assert report.facts.alpha.deep.transparent_share == 0.0  # ...but nothing is see-through
    assert "alpha-opaque" in {f.rule for f in report.warnings}


def test_deep_on_opaque_video_finds_no_alpha_plane(media: Callable[[str], Path]) -> None:
    report = check_file(media("landscape"), deep=True)
    assert report.facts is not None and report.facts.alpha.deep is not None
    assert report.facts.alpha.deep.alpha_decoded is False
    assert not report.failed()


def test_vp9_alpha_evidence_reads_as_one_account_not_a_contradiction(media: Callable[[str], Path]) -> None:
    """FFmpeg's yuv420p for a VP9 stream whose alpha plane rides in BlockAdditions is not evidence
    against alpha: the text, the mismatch finding and the JSON say where the plane is."""
    from validator.findings import BatchReport
    from validator.formats import Format, render

    report = check_file(media("vp9_alpha"), False)
    text = render(Format.TEXT, BatchReport((report,), "p"))
    account = (
        "the VP9 stream carries its alpha plane as Matroska BlockAdditions, alpha_mode=1; "
        "FFmpeg's pixel format yuv420p does not show that plane"
    )
    assert f"  alpha: {account}\n" in text
    assert "has no alpha component" not in text
    mismatch = next(f for f in report.findings if f.rule == "transparent-mismatch")
    assert account in mismatch.message and "has no alpha component" not in mismatch.message
    import json

    entry = json.loads(render(Format.JSON, BatchReport((report,), "p")))["files"][0]
    pieces = entry["facts"]["alpha"]["pieces"]
    named = [(p["name"], p["has_alpha"]) for p in pieces]
    assert named == [("pix_fmt", False), ("matroska_alpha_mode", True)]
    assert not any("has no alpha component" in p["detail"] for p in pieces)


def test_pixel_format_evidence_keeps_its_plain_wording(media: Callable[[str], Path]) -> None:
    report = check_file(media("prores_alpha"))
    assert report.facts is not None
    assert report.facts.alpha.summary == "pix_fmt yuva444p12le has alpha component"
