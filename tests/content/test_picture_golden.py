"""The content part of the reports is pure too: a fixed ``--content`` report renders to exactly the
committed golden files (``tests/golden/content.*``; the older goldens stay as they were).

Set ``UPDATE_GOLDEN=1`` to rewrite them after an intended change, then review the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from tests.test_formats_golden import GOLDEN, facts
from validator import __version__
from validator.check import judge
from validator.content.facts import AudioContent, Box, ContentFacts, Cut, Sample, Span
from validator.findings import BatchReport, sort_findings
from validator.formats import Format, render
from validator.profile import Profile
from validator.rules.content import evaluate


def report() -> BatchReport:
    profile = Profile()
    media = facts("videos/take-1.mp4", 1920, 1080, 330.0, alpha=False, audio=True)
    face = (Box(790, 280, 340, 340),)
    samples = tuple(
        Sample(t, () if 120 <= t < 200 else face, luma=150.0, sharpness=160.0, key_share=0.0, spill=0.0)
        for t in [0.0, 5.0, 10.0, *range(30, 330, 30), 320.0, 325.0]
    )
    audio = AudioContent(
        duration=330.0,
        speech=(Span(2.0, 150.0), Span(152.5, 328.0)),
        speech_share=0.98,
        peak_dbfs=-3.1,
        speech_dbfs=-21.5,
        noise_dbfs=-62.0,
        clipped_share=0.0,
    )
    content = ContentFacts(
        duration=330.0,
        frame_width=1920,
        frame_height=1080,
        analysed_height=360,
        samples=samples,
        cuts=(Cut(241.0, 0.92),),
        cut_candidates=3,
        audio=audio,
        seconds=2.5,
    )
    base = judge(media.path, media, profile, None)
    found = sort_findings((*base.findings, *evaluate(content, media, profile)))
    return BatchReport((replace(base, findings=found, content=content),), profile.name)


@pytest.mark.parametrize(("fmt", "name"), [(Format.TEXT, "content.txt"), (Format.JSON, "content.json")])
def test_content_golden(fmt: Format, name: str) -> None:
    text = render(fmt, report()).replace(__version__, "VERSION")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
