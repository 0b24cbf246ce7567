"""The HTML report's timeline of a take: what ``--content`` measured, as shapes on a time axis.

Pure geometry: :func:`timeline` turns :class:`ContentFacts` and the findings' time ranges into lanes
of labelled shapes in SVG user units; the template only writes them out. Every shape carries its
exact times in ``title`` (the browser's hover text) and in ``data-start``/``data-end``, and every lane
has a text label, so no meaning rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from validator.content.facts import ContentFacts, Sample
    from validator.findings import Finding

WIDTH = 1000.0
"""The SVG's width in user units; it scales to the card's width."""
PLOT_LEFT, PLOT_RIGHT = 110.0, 975.0
"""Where time 0 and the end of the take fall; the labels sit left of the plot."""
LANE = 22.0
"""Height of one lane."""
AXIS = 24.0
"""Height of the time axis under the lanes."""


@dataclass(frozen=True, slots=True)
class Shape:
    """One mark: a band (``rect``), a marker or tick (``line``), a curve (``polyline``) or a word."""

    kind: str
    """``rect``, ``line``, ``polyline`` or ``text``: the SVG element."""
    css: str
    """Its class, which the style sheet colours and patterns."""
    title: str
    """Hover text with the exact times."""
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    points: str = ""
    """``polyline`` only: ``x,y x,y ...``."""
    text: str = ""
    """``text`` only."""
    start: float | None = None
    end: float | None = None
    """The times the mark stands for, in seconds."""


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of the timeline: what it shows, in words, and its marks."""

    label: str
    """``frames``, ``faces``, ``face size``, ``speech``, ``cuts``, ``alpha``, or a finding's rule id."""
    y: float
    """Top of the lane in SVG units."""
    shapes: tuple[Shape, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """A take's lanes, its time axis and the findings' bands, ready for the template."""

    duration: float
    """Seconds the plot spans, from ``PLOT_LEFT`` to ``PLOT_RIGHT``."""
    height: float
    """Height of the SVG in its units."""
    lanes: tuple[Lane, ...]
    axis: tuple[Shape, ...]
    """Time labels and grid lines."""
    bands: tuple[Shape, ...]
    """The findings' ranges again, faintly, across every lane."""

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH:g} {self.height:g}"

    @property
    def plot(self) -> tuple[float, float]:
        return PLOT_LEFT, PLOT_RIGHT


def clock(seconds: float) -> str:
    """``83.25`` -> ``1:23.2``: minutes, seconds and a tenth, as a person reads a player."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def span_text(start: float, end: float) -> str:
    return f"{clock(start)}-{clock(end)} ({start:.2f}-{end:.2f} s)"


class _Scale:
    """Seconds to SVG x: linear over the plot, clamped to it (a span past the end stops at the edge)."""

    def __init__(self, duration: float) -> None:
        self.duration = duration if duration > 0 else 1.0

    def x(self, seconds: float) -> float:
        share = min(1.0, max(0.0, seconds / self.duration))
        return round(PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT), 2)


def _band(scale: _Scale, css: str, title: str, start: float, end: float, y: float, h: float) -> Shape:
    x0, x1 = scale.x(start), scale.x(end)
    return Shape("rect", css, title, x=x0, y=y, width=max(1.0, x1 - x0), height=h, start=start, end=end)


def _cover(samples: Sequence[Sample], index: int, duration: float) -> tuple[float, float]:
    """The stretch of the take sample ``index`` stands for: halfway to its neighbours."""
    t = samples[index].time
    start = 0.0 if index == 0 else (samples[index - 1].time + t) / 2
    end = duration if index == len(samples) - 1 else (t + samples[index + 1].time) / 2
    return start, end


def _frames(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    return tuple(
        Shape(
            "line",
            "tick",
            f"frame sampled at {clock(s.time)} ({s.time:.2f} s)",
            x=scale.x(s.time),
            y=y + 4,
            height=LANE - 8,
            start=s.time,
            end=s.time,
        )
        for s in content.samples
    )


def _faces(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    """Runs of samples with the same number of faces: ``no face`` runs hatched, 2+ counted in words."""
    samples, shapes = content.samples, []
    run_start = 0
    for i in range(1, len(samples) + 1):
        if i < len(samples) and len(samples[i].faces) == len(samples[run_start].faces):
            continue
        count = len(samples[run_start].faces)
        start = _cover(samples, run_start, content.duration)[0]
        end = _cover(samples, i - 1, content.duration)[1]
        words = "no face" if count == 0 else ("1 face" if count == 1 else f"{count} faces")
        css = "face-none" if count == 0 else ("face-one" if count == 1 else "face-many")
        shapes.append(_band(scale, css, f"{words}: {span_text(start, end)}", start, end, y + 3, LANE - 6))
        if count != 1 and scale.x(end) - scale.x(start) > 40:
            shapes.append(Shape("text", "lane-word", words, x=scale.x(start) + 3, y=y + LANE - 7, text=words))
        run_start = i
    return tuple(shapes)


def _face_size(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    """The largest face's height as a share of the frame's, a line from the lane's foot (0) to its top."""
    height = content.frame_height or 1
    points = [
        (scale.x(s.time), round(y + LANE - 2 - (LANE - 4) * min(1.0, s.faces[0].height / height), 2))
        for s in content.samples
        if s.faces
    ]
    if not points:
        return ()
    shares = ", ".join(
        f"{clock(s.time)} {s.faces[0].height / height:.0%}" for s in content.samples if s.faces
    )
    text = " ".join(f"{px:g},{py:g}" for px, py in points)
    return (Shape("polyline", "face-size", f"face height / frame height: {shares}", points=text),)


def _alpha(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    measured = [s for s in content.samples if s.opaque is not None]
    if not measured:
        return ()
    points = " ".join(
        f"{scale.x(s.time):g},{round(y + LANE - 2 - (LANE - 4) * (s.opaque or 0.0), 2):g}" for s in measured
    )
    shares = ", ".join(f"{clock(s.time)} {s.opaque:.0%}" for s in measured)
    return (Shape("polyline", "alpha", f"opaque share of the frame: {shares}", points=points),)


def _speech(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    assert content.audio is not None
    return tuple(
        _band(scale, "speech", f"speech: {span_text(s.start, s.end)}", s.start, s.end, y + 5, LANE - 10)
        for s in content.audio.speech
    )


def _cuts(content: ContentFacts, scale: _Scale, y: float) -> tuple[Shape, ...]:
    shapes = []
    for cut in content.cuts:
        title = f"cut at {clock(cut.time)} ({cut.time:.2f} s), score {cut.score:.2f}"
        x = scale.x(cut.time)
        shapes.append(
            Shape("line", "cut", title, x=x, y=y + 2, height=LANE - 4, start=cut.time, end=cut.time)
        )
        shapes.append(
            Shape("text", "lane-word", title, x=x + 3, y=y + LANE - 7, text=f"cut {clock(cut.time)}")
        )
    return tuple(shapes)


def _finding(finding: Finding, scale: _Scale, y: float) -> tuple[Shape, ...]:
    css = f"band band-{finding.severity.value}"
    return tuple(
        _band(scale, css, f"{finding.rule}: {span_text(s.start, s.end)}", s.start, s.end, y + 3, LANE - 6)
        for s in finding.at
    )


def _axis(scale: _Scale, top: float) -> tuple[Shape, ...]:
    """A label every 'nice' step (5 s up to 10 min, so 5 to 12 labels), with a grid line above it."""
    step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600) if scale.duration / s <= 12), 600)
    shapes, t = [], 0.0
    while t <= scale.duration + 1e-9:
        x = scale.x(t)
        shapes.append(Shape("line", "grid", clock(t), x=x, y=0, height=top, start=t, end=t))
        shapes.append(Shape("text", "axis-label", f"{t:g} s", x=x, y=top + 16, text=clock(t)[:-2]))
        t += step
    return tuple(shapes)


_Builder = Callable[["ContentFacts", _Scale, float], tuple[Shape, ...]]


def timeline(content: ContentFacts, findings: Sequence[Finding]) -> Timeline:
    """The lanes of one take, top to bottom; a lane with nothing measured is left out."""
    scale = _Scale(content.duration)
    builders: list[tuple[str, _Builder]] = [("frames", _frames), ("faces", _faces), ("face size", _face_size)]
    if content.audio is not None:
        builders.append(("speech", _speech))
    builders += [("cuts", _cuts), ("alpha", _alpha)]
    lanes: list[Lane] = []
    for label, build in builders:
        y = len(lanes) * LANE
        shapes = build(content, scale, y)
        if shapes or label in ("frames", "faces", "cuts"):
            lanes.append(Lane(label, y, shapes))
    timed = [f for f in findings if f.at]
    for f in timed:
        lanes.append(Lane(f.rule, len(lanes) * LANE, _finding(f, scale, len(lanes) * LANE)))
    top = len(lanes) * LANE
    bands = tuple(
        _band(
            scale,
            f"wash wash-{f.severity.value}",
            f"{f.rule}: {span_text(s.start, s.end)}",
            s.start,
            s.end,
            0.0,
            top,
        )
        for f in timed
        for s in f.at
    )
    return Timeline(scale.duration, top + AXIS, tuple(lanes), _axis(scale, top), bands)
