"""A self-contained HTML page for people: the batch at a glance, a card per file, its frames and timeline.

Pure like the other formats: the report (and, when the caller gathered them, each file's pictures) in,
the page's text out. One file with everything inline (style, script, pictures as data URIs) and a
``Content-Security-Policy`` that forbids every load from anywhere, so it opens offline and as a CI
artifact. Jinja2 writes the page from ``templates/report.html.j2`` and escapes every value in it;
Jinja2 is imported only when a page is asked for, so a plain ``check`` never pays for it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from validator.findings import BatchReport, FileReport, Verdict
from validator.formats.escape import visible
from validator.formats.timeline import clock, timeline

if TYPE_CHECKING:
    from jinja2 import Template

    from validator.content.facts import ContentFacts
    from validator.facts import MediaFacts
    from validator.preview.gallery import Gallery, Thumb

_VERDICT = {Verdict.PASS: "PASS", Verdict.WARN: "WARN", Verdict.FAIL: "FAIL"}
_FILTERS = (("all", "All"), ("pass", "Pass"), ("warn", "Warn"), ("fail", "Fail"))


def _asset(name: str) -> str:
    return (files("validator.formats") / "templates" / name).read_text(encoding="utf-8")


def _shown(value: object) -> object:
    """Every text the page shows, with what does not print (a terminal escape, a byte of a name that
    is not UTF-8) spelled out as the text report spells it; the page's own markup passes unchanged."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value, keep="\n\t")
    return value


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, StrictUndefined

    env = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    return env.from_string(_asset("report.html.j2"))


def _digest(text: str) -> str:
    """The CSP source that allows exactly this inline block and nothing else."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(css: str, js: str) -> str:
    """Nothing may load from anywhere: no fetch, font, frame or form; pictures only as data URIs; only
    the page's own style and script, by hash (an injected one would not run)."""
    return (
        f"default-src 'none'; img-src data:; style-src {_digest(css)}; script-src {_digest(js)}; "
        "base-uri 'none'; form-action 'none'"
    )


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    return f"{count / 1000:.1f} KB" if count < 1_000_000 else f"{count / 1_000_000:.1f} MB"


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def _facts(facts: MediaFacts | None) -> list[tuple[str, str]]:
    """The card's facts, in the order a person asks about them."""
    if facts is None:
        return [("probe", "the file could not be read")]
    rows = [("container", facts.container or "unknown"), ("file size", _size(facts.size))]
    video = facts.video
    if video is None:
        rows.append(("video", "none"))
    else:
        rows.append(
            ("codec", " ".join(x for x in (video.codec, video.profile, video.pix_fmt) if x) or "unknown")
        )
        size = f"{video.display_width}x{video.display_height}"
        if video.rotation:
            size += f" (coded {video.width}x{video.height})"
        rows += [("size", size), ("rotation", f"{video.rotation}°")]
        rate = video.frame_rate
        rows.append(("frame rate", f"{float(rate):.3f} fps" if rate is not None else "unknown"))
        if video.duration is not None:
            source = video.duration_source.value if video.duration_source else "unknown source"
            rows.append(("duration", f"{clock(video.duration)} ({video.duration:.3f} s, from {source})"))
        else:
            rows.append(("duration", "unknown"))
    rows.append(("audio", ", ".join(a.codec or "audio" for a in facts.audio) or "none"))
    rows.append(("Transparent", _flag(facts.transparent)))
    rows += [
        (f"alpha: {p.name}", f"{'yes' if p.has_alpha else 'no'}: {p.detail}") for p in facts.alpha.pieces
    ]
    deep = facts.alpha.deep
    if deep is not None:
        share = (
            f"{deep.transparent_share:.1%} transparent pixels"
            if deep.transparent_share is not None
            else "no alpha plane"
        )
        rows.append(("alpha: decoded", f"{deep.frames_sampled} frames: {share}"))
    return rows


def _content(content: ContentFacts | None) -> list[tuple[str, str]]:
    """What ``--content`` measured, in numbers beside the timeline's picture of it."""
    if content is None:
        return []
    rows = [
        ("content: frames", f"{len(content.samples)} sampled at {content.analysed_height} px high"),
        ("content: cuts", ", ".join(clock(c.time) for c in content.cuts) or "none"),
    ]
    audio = content.audio
    if audio is None:
        return [*rows, ("content: audio", "not analysed")]
    levels = [f"peak {audio.peak_dbfs:.1f} dBFS"]
    if audio.speech_dbfs is not None:
        levels.append(f"speech {audio.speech_dbfs:.1f} dBFS")
    if audio.noise_dbfs is not None:
        levels.append(f"noise floor {audio.noise_dbfs:.1f} dBFS")
    return [
        *rows,
        ("content: speech", f"{audio.speech_share:.0%} of {clock(audio.duration)}"),
        ("content: levels", ", ".join(levels)),
        ("content: clipped", f"{audio.clipped_share:.2%} of samples"),
    ]


def _file(index: int, report: FileReport, gallery: Gallery | None) -> dict[str, Any]:
    video = report.facts.video if report.facts else None
    return {
        "anchor": f"file-{index}",
        "path": report.path,
        "verdict": report.verdict.value,
        "verdict_text": _VERDICT[report.verdict],
        "transparent": _flag(report.transparent),
        "duration": clock(video.duration) if video is not None and video.duration is not None else "?",
        "size": _size(report.facts.size) if report.facts else "?",
        "first": report.findings[0] if report.findings else None,
        "facts": _facts(report.facts) + _content(report.content),
        "findings": report.findings,
        "conform": report.conform if len([f for f in report.findings if f.fix]) > 1 else None,
        "timeline": timeline(report.content, report.findings) if report.content is not None else None,
        "gallery": gallery,
    }


def _worst_first(report: BatchReport) -> list[tuple[int, FileReport]]:
    """Failures first, then warnings, then passes; in input order within each (numbered as given)."""
    order = {Verdict.FAIL: 0, Verdict.WARN: 1, Verdict.PASS: 2}
    return sorted(enumerate(report.files, 1), key=lambda pair: order[pair[1].verdict])


def _data_uri(thumb: Thumb) -> str:
    return f"data:{thumb.mime};base64,{base64.b64encode(thumb.image).decode()}"


def render(
    report: BatchReport,
    *,
    galleries: Mapping[str, Gallery] | None = None,
    version: str | None = None,
    generated: datetime | None = None,
) -> str:
    """The page. ``galleries`` maps a file's path to its tiles (:mod:`validator.preview.gallery`);
    ``version`` and ``generated`` (when the check ran) go into the summary when given."""
    css, js = _asset("report.css"), _asset("report.js")
    galleries = galleries or {}
    counts = {"files": len(report.files), **{v.value: report.count(v) for v in Verdict}}
    return _template().render(
        csp=policy(css, js),
        css=css,
        js=js,
        counts=counts,
        profile=report.profile,
        strict=report.strict,
        version=version,
        generated=generated.isoformat(timespec="seconds") if generated else None,
        filters=_FILTERS,
        files=[_file(i, f, galleries.get(f.path)) for i, f in _worst_first(report)],
        clock=clock,
        data_uri=_data_uri,
    )
