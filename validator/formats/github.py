"""GitHub Actions workflow commands: one annotation per finding, on the file it concerns."""

from __future__ import annotations

from validator.findings import BatchReport, Severity, Verdict
from validator.formats.escape import visible

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: BatchReport) -> str:
    lines: list[str] = []
    for file_report in report.files:
        for f in file_report.findings:
            body = visible(f.message) + (f"\nFix: {visible(f.fix)}" if f.fix else "")
            # The file property keeps a name's line breaks (GitHub decodes %0A), so it still names the file.
            lines.append(
                f"::{_LEVEL[f.severity]} file={_prop(visible(file_report.path, keep=chr(10) + chr(13)))},"
                f"title={_prop('avatar-preflight ' + f.rule)}::{_data(body)}"
            )
    total = len(report.files)
    lines.append(
        f"avatar-preflight: {total} file{'s' if total != 1 else ''}, "
        f"{report.count(Verdict.PASS)} passed, {report.count(Verdict.WARN)} with warnings, "
        f"{report.count(Verdict.FAIL)} failed"
    )
    return "\n".join(lines) + "\n"
