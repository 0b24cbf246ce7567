"""Plain-text output for people: one block per file, a table of findings with their fixes, a summary.

By default no colour and no terminal tricks: the same bytes read well on a terminal, in a log and in
a pipe. The caller may ask for colour (it knows whether it writes to a terminal and whether
``NO_COLOR`` is set); colour only wraps words, so the plain text is unchanged underneath.
"""

from __future__ import annotations

import itertools
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING

from validator.facts import MediaFacts
from validator.findings import BatchReport, FileReport, Finding, Severity, Verdict
from validator.formats.escape import visible
from validator.rules.draft import clock

if TYPE_CHECKING:
    from validator.content.facts import ContentFacts

_VERDICT = {Verdict.PASS: "PASS", Verdict.WARN: "PASS (warnings)", Verdict.FAIL: "FAIL"}
_GREEN, _YELLOW, _RED = "32", "33", "31"
_VERDICT_COLOUR = {Verdict.PASS: _GREEN, Verdict.WARN: _YELLOW, Verdict.FAIL: _RED}
_SEVERITY_COLOUR = {Severity.ERROR: _RED, Severity.WARNING: _YELLOW, Severity.INFO: ""}


class Detail(str, Enum):
    """How much the text report says."""

    QUIET = "quiet"
    """Failing files and their errors only; nothing at all when every file passes."""
    NORMAL = "normal"
    VERBOSE = "verbose"
    """Every fact the probe established, and how long each file took."""


def _paint(text: str, colour: str, on: bool) -> str:
    return f"\x1b[{colour}m{text}\x1b[0m" if on and colour else text


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def _rate(facts: MediaFacts) -> str | None:
    video = facts.video
    if video is None or video.frame_rate is None:
        return None
    return f"{float(video.frame_rate):.3g} fps"


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


def _details(report: FileReport) -> list[str]:
    facts = report.facts
    lines: list[str] = []
    if facts is not None:
        moov = facts.moov_position.value if facts.moov_position else "n/a"
        lines.append(
            f"  file: {facts.size} bytes | demuxer {facts.format_name} | brand {visible(str(facts.brand))} | "
            f"moov {moov} | "
            f"fragmented {_flag(facts.fragmented)} | {facts.bytes_read} bytes read"
        )
        video = facts.video
        if video is not None:
            sar = video.sample_aspect_ratio
            lines.append(
                f"  video: stream {video.index} | coded {video.width}x{video.height} | "
                f"rotation {video.rotation} | sar {sar if sar is not None else 'n/a'} | "
                f"rate {_fraction(video.average_rate)} avg, {_fraction(video.nominal_rate)} nominal | "
                f"frames {video.frames if video.frames is not None else 'n/a'} | bit depth {video.bit_depth}"
            )
        for audio in facts.audio:
            seconds = f"{audio.duration:.3f} s" if audio.duration is not None else "duration unknown"
            lines.append(f"  audio: stream {audio.index} | {audio.codec} | {seconds}")
        lines.extend(f"  note: {visible(note)}" for note in facts.notes)
    if report.seconds is not None:
        lines.append(f"  checked in {report.seconds * 1000:.0f} ms")
    return lines


def _fraction(value: Fraction | None) -> str:
    return "n/a" if value is None else f"{float(value):.3f}"


def _file(
    report: FileReport, strict: bool, detail: Detail = Detail.NORMAL, colour: bool = False
) -> list[str]:
    verdict = _paint(_VERDICT[report.verdict], _VERDICT_COLOUR[report.verdict], colour)
    if strict and report.verdict is Verdict.WARN:
        verdict = _paint("FAIL (strict: warnings)", _RED, colour)
    lines = [f"{visible(report.path)}: {verdict}  Transparent={_flag(report.transparent)}"]
    findings = report.findings
    if detail is Detail.QUIET:
        findings = report.findings if strict else report.errors
    elif report.facts is not None:
        lines.append(f"  {describe(report.facts)}")
        evidence = report.facts.alpha.summary
        deep = report.facts.alpha.deep
        if deep is not None and deep.transparent_share is not None:
            evidence += (
                f"; {deep.frames_sampled} frames decoded: {deep.transparent_share:.1%} transparent pixels"
            )
        elif deep is not None:
            evidence += f"; {deep.frames_sampled} frames decoded: no alpha plane"
        if evidence:
            lines.append(f"  alpha: {evidence}")
    if detail is not Detail.QUIET and report.content is not None:
        lines.append(f"  content: {content_summary(report.content)}")
    if detail is Detail.VERBOSE:
        lines.extend(_details(report))
    if not findings:
        lines.append("  no findings")
    width = max((len(f.rule) for f in findings), default=0)
    for f in findings:
        label = _paint(f"{f.severity.value.upper():<7}", _SEVERITY_COLOUR[f.severity], colour)
        lines.append(f"  {label}  {f.rule:<{width}}  {visible(f.message)}{_at(f)}")
        if f.fix:
            lines.append(f"  {'':<7}  {'':<{width}}  fix: {visible(f.fix)}")
    if detail is not Detail.QUIET and report.conform and len([f for f in findings if f.fix]) > 1:
        lines.append(f"  to fix everything at once: {visible(report.conform)}")
    return lines


def _at(finding: Finding) -> str:
    if not finding.at:
        return ""
    from validator.rules.spans import span_text

    shown = ", ".join(span_text(s) for s in finding.at[:6])
    more = f" and {len(finding.at) - 6} more" if len(finding.at) > 6 else ""
    return f" (at {shown}{more})"


def content_summary(content: ContentFacts) -> str:
    """What ``--content`` looked at, in one line: how many frames and where, faces, cuts, sound."""
    from validator.rules.spans import mmss

    samples = content.samples
    parts: list[str] = []
    if samples:
        times = [s.time for s in samples]
        gaps = sorted(b - a for a, b in itertools.pairwise(times))
        typical = f", median {gaps[len(gaps) // 2]:.1f} s apart" if gaps else ""
        edge = min(30.0, content.duration / 10)
        head = sum(1 for t in times if t < edge)
        tail = sum(1 for t in times if t >= content.duration - edge)
        parts.append(
            f"{len(samples)} frames sampled {mmss(times[0])}-{mmss(times[-1])}{typical} "
            f"({head} in the first {edge:.0f} s, {tail} in the last {edge:.0f} s; "
            f"analysed at {content.analysed_height}p)"
        )
        faces = sum(1 for s in samples if s.faces)
        parts.append(f"a face in {faces}")
    else:
        parts.append("no frame could be decoded")
    if content.samples_failed:
        parts.append(f"{content.samples_failed} undecodable")
    cuts = len(content.cuts)
    candidates = f"{content.cut_candidates} candidate{'s' if content.cut_candidates != 1 else ''}"
    parts.append(f"{cuts} cut{'s' if cuts != 1 else ''} ({candidates} checked)")
    audio = content.audio
    if audio is not None:
        parts.append(
            f"speech {audio.speech_share:.0%} of {mmss(audio.duration)}, peak {audio.peak_dbfs:.1f} dBFS"
        )
    elif content.audio_problem:
        parts.append(f"audio not analysed: {content.audio_problem}")
    else:
        parts.append("no audio")
    if content.seconds is not None:
        parts.append(f"in {content.seconds:.1f} s")
    return "; ".join(parts)


def render(
    report: BatchReport, *, detail: Detail = Detail.NORMAL, colour: bool = False, noun: str = "file"
) -> str:
    """The report for people; ``detail`` and ``colour`` default to the plain, normal report; ``noun``
    names what the summary line counts (``jobs --audit`` counts jobs)."""
    files = report.files
    if detail is Detail.QUIET:
        files = tuple(f for f in files if f.failed(report.strict))
    blocks = ["\n".join(_file(f, report.strict, detail, colour)) for f in files]
    if detail is Detail.QUIET:
        return "\n\n".join(blocks) + "\n" if blocks else ""
    total = len(report.files)
    failed = sum(1 for f in report.files if f.failed(report.strict))
    summary = (
        f"{total} {noun}{'s' if total != 1 else ''} checked against {report.profile}: "
        f"{report.count(Verdict.PASS)} passed, {report.count(Verdict.WARN)} with warnings, "
        f"{failed} failed"
    )
    return "\n\n".join([*blocks, summary]) + "\n"
