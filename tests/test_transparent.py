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
