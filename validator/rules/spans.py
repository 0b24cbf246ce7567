"""What the content rules share: the draft a rule yields, and time ranges from runs of samples.

A finding says where in the take it happens (``Finding.at``): runs of neighbouring samples for
which a rule holds, merged into spans, shown in text as ``2:41-2:55``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from validator.content.facts import Sample, Span


def mmss(seconds: float) -> str:
    """``161.4`` -> ``2:41``."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def span_text(span: Span) -> str:
    """``2:41-2:55``, or ``2:41`` for an instant."""
    start, end = mmss(span.start), mmss(span.end)
    return start if start == end else f"{start}-{end}"


def runs(samples: Sequence[Sample], hit: Callable[[Sample], bool]) -> tuple[Span, ...]:
    """Spans of consecutive samples for which ``hit`` holds, from the first such sample's time to
    the last one's."""
    spans: list[Span] = []
    start: float | None = None
    last = 0.0
    for sample in samples:
        if hit(sample):
            start = sample.time if start is None else start
            last = sample.time
        elif start is not None:
            spans.append(Span(start, last))
            start = None
    if start is not None:
        spans.append(Span(start, last))
    return tuple(spans)


def where(spans: tuple[Span, ...]) -> str:
    shown = ", ".join(span_text(s) for s in spans[:4])
    return shown + (f" and {len(spans) - 4} more" if len(spans) > 4 else "")


def share(part: int, whole: int) -> str:
    return f"{part} of {whole} samples ({part / whole:.0%})"


def merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Spans that touch or overlap merged, in time order."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return tuple(out)
