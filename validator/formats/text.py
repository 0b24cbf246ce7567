"""Plain-text output for people: one block per file, a table of findings with their fixes, a summary.

No colour and no terminal tricks: the same bytes read well on a terminal, in a log and in a pipe.
"""

from __future__ import annotations

from validator.facts import MediaFacts
from validator.findings import BatchReport, FileReport, Verdict
from validator.rules.checks import clock

_VERDICT = {Verdict.PASS: "PASS", Verdict.WARN: "PASS (warnings)", Verdict.FAIL: "FAIL"}


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def _rate(facts: MediaFacts) -> str | None:
    video = facts.video
    if video is None or video.average_rate is None:
        return None
    return f"{float(video.average_rate):.3g} fps"


def describe(facts: MediaFacts) -> str:
    """One line of facts: container, codec, size, rate, pixel format, duration, audio."""
    parts: list[str] = [facts.container or "unknown container"]
    video = facts.video
    if video is not None:
        size = f"{video.display_width}x{video.display_height}"
        if video.rotation:
            size += f" (coded {video.width}x{video.height}, rotated {video.rotation})"
        codec = " ".join(x for x in (video.codec, video.profile) if x)
        parts.append(f"{codec} {size}" if codec else size)
        rate = _rate(facts)
        if rate:
            parts.append(rate)
        if video.pix_fmt:
            parts.append(video.pix_fmt)
        if video.duration is not None:
            source = video.duration_source.value if video.duration_source else "?"
            parts.append(f"{clock(video.duration)} [{source}]")
    parts.append(", ".join(a.codec or "audio" for a in facts.audio) if facts.audio else "no audio")
    return " | ".join(parts)


def _file(report: FileReport, strict: bool) -> list[str]:
    verdict = _VERDICT[report.verdict]
    if strict and report.verdict is Verdict.WARN:
        verdict = "FAIL (strict: warnings)"
    lines = [f"{report.path}: {verdict}  Transparent={_flag(report.transparent)}"]
    if report.facts is not None:
        lines.append(f"  {describe(report.facts)}")
        evidence = "; ".join(p.detail for p in report.facts.alpha.pieces)
        deep = report.facts.alpha.deep
        if deep is not None and deep.transparent_share is not None:
            evidence += (
                f"; {deep.frames_sampled} frames decoded: {deep.transparent_share:.1%} transparent pixels"
            )
        elif deep is not None:
            evidence += f"; {deep.frames_sampled} frames decoded: no alpha plane"
        if evidence:
            lines.append(f"  alpha: {evidence}")
    if not report.findings:
        lines.append("  no findings")
    width = max((len(f.rule) for f in report.findings), default=0)
    for f in report.findings:
        lines.append(f"  {f.severity.value.upper():<7}  {f.rule:<{width}}  {f.message}")
        if f.fix:
            lines.append(f"  {'':<7}  {'':<{width}}  fix: {f.fix}")
    if report.conform and len([f for f in report.findings if f.fix]) > 1:
        lines.append(f"  to fix everything at once: {report.conform}")
    return lines


def render(report: BatchReport) -> str:
    blocks = ["\n".join(_file(f, report.strict)) for f in report.files]
    total = len(report.files)
    failed = sum(1 for f in report.files if f.failed(report.strict))
    summary = (
        f"{total} file{'s' if total != 1 else ''} checked against {report.profile}: "
        f"{report.count(Verdict.PASS)} passed, {report.count(Verdict.WARN)} with warnings, "
        f"{failed} failed"
    )
    return "\n\n".join([*blocks, summary]) + "\n"
