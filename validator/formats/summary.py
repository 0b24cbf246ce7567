"""The GitHub job summary: Markdown that ``check`` appends to ``$GITHUB_STEP_SUMMARY`` under Actions.

The annotations already sit on the files; the summary is the run's page: a table of files with their
verdict, ``Transparent`` and findings, then each file's fixes in a collapsible block. Names and
messages come from users and files, so they are escaped for both Markdown and the HTML GitHub allows
in it: a file called ``a|b*.mp4`` neither breaks the table nor turns bold.
"""

from __future__ import annotations

import html
import re

from validator.findings import BatchReport, FileReport, Verdict
from validator.formats.escape import visible

_VERDICT = {Verdict.PASS: "✅ pass", Verdict.WARN: "⚠️ warn", Verdict.FAIL: "❌ fail"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]|~!])")


def escape(text: str) -> str:
    """``text`` shown literally in Markdown (and in a table cell): HTML first, then Markdown's marks."""
    flat = " ".join(visible(text).split())  # a new line would end the table row
    return _MARKDOWN.sub(r"\\\1", html.escape(flat, quote=False))


def _fence(command: str) -> str:
    """A code fence longer than any run of backticks inside ``command``."""
    longest = max((len(run) for run in re.findall(r"`+", command)), default=0)
    return "`" * max(3, longest + 1)


def _verdict(report: FileReport, strict: bool) -> str:
    if strict and report.verdict is Verdict.WARN:
        return "❌ fail (strict: warnings)"
    return _VERDICT[report.verdict]


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else str(value).lower()


def _fixes(report: FileReport) -> list[str]:
    fixed = [f for f in report.findings if f.fix]
    if not fixed:
        return []
    lines = ["", f"<details><summary>Fixes for {html.escape(visible(report.path))}</summary>", ""]
    for f in fixed:
        assert f.fix is not None
        fence = _fence(f.fix)
        command = visible(f.fix, keep="\n")
        lines += [f"**{escape(f.rule)}**: {escape(f.message)}", "", f"{fence}text", command, fence, ""]
    if report.conform and len(fixed) > 1:
        fence = _fence(report.conform)
        lines += ["**Everything at once:**", "", f"{fence}text", visible(report.conform), fence, ""]
    lines.append("</details>")
    return lines


def render(report: BatchReport) -> str:
    """The Markdown block for one ``check`` run."""
    total = len(report.files)
    failed = sum(1 for f in report.files if f.failed(report.strict))
    lines = [
        f"### avatar-preflight: {total} file{'s' if total != 1 else ''}, "
        f"{report.count(Verdict.PASS)} passed, {report.count(Verdict.WARN)} with warnings, {failed} failed",
        "",
        f"Rules: {escape(report.profile)}{' (strict: warnings fail)' if report.strict else ''}",
        "",
        "| File | Verdict | Transparent | Findings |",
        "| --- | --- | --- | --- |",
    ]
    for f in report.files:
        found = ", ".join(f"{escape(x.rule)} ({x.severity.value})" for x in f.findings) or "none"
        lines.append(
            f"| {escape(f.path)} | {_verdict(f, report.strict)} | {_flag(f.transparent)} | {found} |"
        )
    for f in report.files:
        lines += _fixes(f)
    return "\n".join(lines) + "\n\n"
