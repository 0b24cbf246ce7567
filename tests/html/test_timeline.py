"""The timeline's lanes from content facts built with known values (pure: no browser)."""

from __future__ import annotations

from validator.content.facts import Box, ContentFacts, Sample, Span
from validator.findings import Finding, Severity
from validator.formats.timeline import PLOT_LEFT, PLOT_RIGHT, timeline

FACE = Box(800, 300, 300, 400)


def test_face_counts_and_alpha_coverage_have_their_own_lanes() -> None:
    samples = tuple(
        Sample(t, (FACE, FACE) if 40 <= t < 60 else (FACE,), opaque=0.25 if t < 50 else 0.75)
        for t in range(5, 100, 10)
    )
    drawn = timeline(ContentFacts(100.0, 1920, 1080, 360, samples), ())
    lanes = {lane.label: lane for lane in drawn.lanes}
    assert list(lanes) == ["frames", "faces", "face size", "cuts", "alpha"]  # no audio: no speech lane
    words = [s.text for s in lanes["faces"].shapes if s.kind == "text"]
    assert words == ["2 faces"]
    many = next(s for s in lanes["faces"].shapes if s.css == "face-many")
    assert (many.start, many.end) == (40.0, 60.0)  # halfway between the samples either side of the change
    (curve,) = lanes["alpha"].shapes
    ys = [float(point.split(",")[1]) for point in curve.points.split()]
    assert ys[0] > ys[-1]  # more opaque later: the line rises (SVG y grows downward)
    assert "0:05.0 25%" in curve.title and "1:35.0 75%" in curve.title


def test_bands_of_findings_clamp_to_the_take() -> None:
    samples = (Sample(1.0, (FACE,)), Sample(9.0, (FACE,)))
    finding = Finding("face-small", Severity.WARNING, "small", at=(Span(5.0, 50.0),))
    drawn = timeline(ContentFacts(10.0, 1920, 1080, 360, samples), (finding,))
    (band,) = next(lane for lane in drawn.lanes if lane.label == "face-small").shapes
    assert band.x == PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) / 2 and band.x + band.width == PLOT_RIGHT
    assert "0:05.0-0:50.0" in band.title  # the exact times stay in the words
