"""Formatters are pure: a fixed report renders to exactly the committed golden files.

Set ``UPDATE_GOLDEN=1`` to rewrite them after an intended change, then review the diff.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from validator import __version__
from validator.check import judge
from validator.facts import (
    AlphaEvidence,
    AlphaPiece,
    AudioStreamFacts,
    DurationSource,
    MediaFacts,
    MoovPosition,
    RateSource,
    VideoStreamFacts,
)
from validator.findings import BatchReport
from validator.formats import Format, render
from validator.profile import Profile

GOLDEN = Path(__file__).parent / "golden"


def facts(
    path: str,
    width: int,
    height: int,
    seconds: float,
    *,
    alpha: bool,
    audio: bool,
    moov: MoovPosition = MoovPosition.START,
) -> MediaFacts:
    video = VideoStreamFacts(
        0,
        "h264" if not alpha else "prores",
        "High" if not alpha else "4444",
        width,
        height,
        0,
        None,
        Fraction(25),
        Fraction(25),
        "yuv420p" if not alpha else "yuva444p10le",
        8 if not alpha else 10,
        seconds,
        DurationSource.STREAM,
        int(seconds * 25),
        RateSource.FFMPEG,
    )
    pieces = (
        AlphaPiece(
            "pix_fmt", alpha, f"pix_fmt {video.pix_fmt} {'has' if alpha else 'has no'} alpha component"
        ),
    )
    return MediaFacts(
        path,
        12_345_678,
        "mp4" if not alpha else "mov",
        "mov,mp4,m4a,3gp,3g2,mj2",
        "isom" if not alpha else "qt  ",
        video,
        1,
        (AudioStreamFacts(1, "aac", seconds),) if audio else (),
        seconds,
        moov,
        False,
        False,
        AlphaEvidence(pieces),
        1_081_344,
    )


def report() -> BatchReport:
    profile = Profile()
    inputs = [
        (facts("videos/take-1.mp4", 1920, 1080, 330.0, alpha=False, audio=True), None),
        (facts("videos/take 2.mp4", 1280, 720, 240.0, alpha=False, audio=False, moov=MoovPosition.END), None),
        (facts("videos/green,screen.mov", 1080, 1920, 600.0, alpha=True, audio=True), False),
    ]
    files = [judge(f.path, f, profile, declared) for f, declared in inputs]
    return BatchReport(tuple(files), profile.name)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (Format.TEXT, "report.txt"),
        (Format.JSON, "report.json"),
        (Format.JUNIT, "report.xml"),
        (Format.GITHUB, "report.github"),
        (Format.SARIF, "report.sarif"),
    ],
)
def test_golden(fmt: Format, name: str) -> None:
    text = render(fmt, report()).replace(__version__, "VERSION")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_format_has_a_renderer() -> None:
    for fmt in Format:
        assert render(fmt, report())
