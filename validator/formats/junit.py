"""JUnit XML: each file is a test case; a failing file carries a ``<failure>`` listing its findings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from validator.findings import BatchReport, FileReport, Finding
from validator.formats.escape import visible


def _line(f: Finding) -> str:
    text = f"[{f.severity.value}] {f.rule}: {visible(f.message)}"
    return text + (f"\n    fix: {visible(f.fix)}" if f.fix else "")


def _case(report: FileReport, suite: ET.Element, strict: bool, profile: str) -> None:
    attributes = {"classname": f"avatar-preflight.{profile}", "name": visible(report.path)}
    case = ET.SubElement(suite, "testcase", attributes)
    failing = report.failed(strict)
    counted = (report.findings if strict else report.errors) if failing else ()
    if counted:
        first = counted[0]
        failure = ET.SubElement(case, "failure", {"type": first.rule, "message": visible(first.message)})
        failure.text = "\n".join(_line(f) for f in counted)
    rest = [f for f in report.findings if f not in counted]
    if rest:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in rest)


def render(report: BatchReport) -> str:
    failures = sum(1 for f in report.files if f.failed(report.strict))
    root = ET.Element(
        "testsuites",
        {
            "name": "avatar-preflight",
            "tests": str(len(report.files)),
            "failures": str(failures),
            "errors": "0",
        },
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": f"avatar-preflight.{report.profile}",
            "tests": str(len(report.files)),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
        },
    )
    for file_report in report.files:
        _case(file_report, suite, report.strict, report.profile)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
