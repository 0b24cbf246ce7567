"""The ``--content`` timeline as Chromium lays it out: the cut marker and the face-missing band stand at
the x positions of their known times, every lane is labelled in words, hover titles give exact times.

The content facts are built here from known times (a pure-formatter test): the sampling and the
content rules are tested with real footage in ``tests/content``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.html.cdp import Browser, Page
from validator import check_file
from validator.content.facts import AudioContent, Box, ContentFacts, Cut, Sample, Span
from validator.findings import BatchReport, Finding, Severity
from validator.formats.html import render

DURATION = 330.0
FACE_GONE = Span(100.0, 120.0)
"""The face leaves the frame for these 20 s."""
CUT = 200.0
STEP = 2.5
"""A sample every 2.5 s."""


def content() -> ContentFacts:
    face = (Box(760, 260, 400, 480),)
    samples = tuple(
        Sample(t, () if FACE_GONE.start <= t <= FACE_GONE.end else face, luma=120.0)
        for t in (STEP / 2 + i * STEP for i in range(int(DURATION / STEP)))
    )
    speech = (Span(4.0, 95.0), Span(125.0, 320.0))
    audio = AudioContent(DURATION, speech, 0.8, -3.0, -18.0, -60.0, 0.0)
    return ContentFacts(DURATION, 1920, 1080, 360, samples, (Cut(CUT, 0.93),), 4, audio)


@pytest.fixture(scope="module")
def page(browser: Browser, media: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Page:
    report = check_file(media("landscape"))
    findings = (
        Finding("face-missing", Severity.ERROR, "No face for 20 s.", "a face", "none", at=(FACE_GONE,)),
        Finding("scene-cut", Severity.WARNING, "A hard cut.", "one take", "a cut", at=(Span(CUT, CUT),)),
    )
    batch = BatchReport((replace(report, findings=findings, content=content()),), "ice-avatar-training")
    path = tmp_path_factory.mktemp("timeline") / "timeline.html"
    path.write_text(render(batch), encoding="utf-8")
    return browser.open(path.as_uri())


def screen_x(page: Page, seconds: float) -> float:
    """Where ``seconds`` falls on screen: the plot's declared extent in SVG units, scaled as laid out."""
    left, width, plot_left, plot_right, view = json.loads(
        page.evaluate(
            """(() => { const svg = document.querySelector('svg.timeline');
            const r = svg.getBoundingClientRect();
            return JSON.stringify([r.left, r.width, +svg.dataset.plotLeft, +svg.dataset.plotRight,
                                   svg.viewBox.baseVal.width]); })()"""
        )
    )
    return left + (plot_left + seconds / DURATION * (plot_right - plot_left)) * width / view


def rect_of(page: Page, selector: str) -> dict[str, float]:
    found = page.evaluate(
        f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
        " return JSON.stringify({left: r.left, right: r.right, center: r.left + r.width / 2}); })()"
    )
    return dict(json.loads(found))


def test_the_cut_marker_stands_at_its_time(page: Page) -> None:
    marker = rect_of(page, "g[data-lane=cuts] line.cut")
    assert marker["center"] == pytest.approx(screen_x(page, CUT), abs=1.5)
    assert screen_x(page, CUT) - screen_x(page, 0) > 100  # a real distance, not everything at the origin


def test_the_face_missing_band_spans_its_range(page: Page) -> None:
    band = rect_of(page, "g[data-lane=face-missing] rect")
    assert band["left"] == pytest.approx(screen_x(page, FACE_GONE.start), abs=1.5)
    assert band["right"] == pytest.approx(screen_x(page, FACE_GONE.end), abs=1.5)
    title = page.evaluate("document.querySelector('g[data-lane=face-missing] rect title').textContent")
    assert "1:40.0-2:00.0" in title and "100.00-120.00 s" in title
    gap = rect_of(page, "g[data-lane=faces] rect.face-none")  # the samples without a face, hatched
    assert (
        gap["left"] <= screen_x(page, FACE_GONE.start) + 1
        and gap["right"] >= screen_x(page, FACE_GONE.end) - 1
    )


def test_lanes_are_named_in_words_and_marks_have_exact_times(page: Page) -> None:
    labels = json.loads(
        page.evaluate("JSON.stringify([...document.querySelectorAll('.lane-label')].map(t => t.textContent))")
    )
    assert labels == ["frames", "faces", "face size", "speech", "cuts", "face-missing", "scene-cut"]
    ticks = page.evaluate("document.querySelectorAll('g[data-lane=frames] line.tick').length")
    assert ticks == int(DURATION / STEP)
    speech = json.loads(
        page.evaluate(
            "JSON.stringify([...document.querySelectorAll('g[data-lane=speech] rect title')]"
            ".map(t => t.textContent))"
        )
    )
    assert speech == ["speech: 0:04.0-1:35.0 (4.00-95.00 s)", "speech: 2:05.0-5:20.0 (125.00-320.00 s)"]
    words = page.evaluate(
        "document.querySelector('g[data-lane=faces] text.lane-word').firstChild.textContent"
    )
    assert words == "no face"  # the gap is named, not only hatched
    at = page.evaluate("document.querySelector('.finding[data-rule=face-missing] .at').textContent")
    assert at == "1:40.0-2:00.0"


def test_the_content_figures_are_listed_beside_the_timeline(page: Page) -> None:
    facts = json.loads(
        page.evaluate(
            "JSON.stringify(Object.fromEntries([...document.querySelectorAll('.facts dt')]"
            ".map(dt => [dt.textContent, dt.nextElementSibling.textContent])))"
        )
    )
    assert facts["content: cuts"] == "3:20.0"
    assert facts["content: frames"] == f"{int(DURATION / STEP)} sampled at 360 px high"
    assert facts["content: levels"] == "peak -3.0 dBFS, speech -18.0 dBFS, noise floor -60.0 dBFS"
