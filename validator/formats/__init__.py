"""Output formats: pure ``render(report) -> str`` functions chosen through an enum-keyed registry."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from validator.findings import BatchReport


class Format(str, Enum):
    """Every output format ``check`` can write."""

    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    SARIF = "sarif"
    HTML = "html"


Renderer = Callable[[BatchReport], str]


def renderer(fmt: Format) -> Renderer:
    """The render function of ``fmt``; imported on demand so a run pays only for its own format."""
    render: Renderer
    if fmt is Format.TEXT:
        from validator.formats.text import render
    elif fmt is Format.JSON:
        from validator.formats.json_ import render
    elif fmt is Format.JUNIT:
        from validator.formats.junit import render
    elif fmt is Format.GITHUB:
        from validator.formats.github import render
    elif fmt is Format.SARIF:
        from validator.formats.sarif import render
    elif fmt is Format.HTML:  # without pictures: the check command gathers them (validator.preview.gallery)
        from validator.formats.html import render
    else:  # pragma: no cover - the enum is closed
        raise ValueError(fmt)
    return render


def render(fmt: Format, report: BatchReport) -> str:
    return renderer(fmt)(report)
