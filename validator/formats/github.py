"""GitHub Actions workflow commands: one annotation per finding, on the file it concerns."""

from __future__ import annotations

from validator.findings import BatchReport, Severity, Verdict

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: BatchReport) -> str:
    lines: list[str] = []
    for file_report in report.files:
        for f in file_report.findings:
            body = f.message + (f"\nFix: {f.fix}" if f.fix else "")
            lines.append(
                f"::{_LEVEL[f.severity]} file={_prop(file_report.path)},"
                f"title={_prop('avatar-preflight ' + f.rule)}::{_data(body)}"
            )
    total = len(report.files)
    lines.append(
        f"avatar-preflight: {total} file{'s' if total != 1 else ''}, "
        f"{report.count(Verdict.PASS)} passed, {report.count(Verdict.WARN)} with warnings, "
        f"{report.count(Verdict.FAIL)} failed"
    )
    return "\n".join(lines) + "\n"
