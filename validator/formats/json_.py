"""JSON output. ``schema_version`` changes only when a field changes meaning or disappears.

Version 2 (``check --content``) adds, and changes nothing a version 1 reader uses:

- each finding's ``at``: where in the take it happens, ``[{"start": s, "end": s}, ...]`` in seconds
  from the start of the video stream (empty when the finding is about the whole file);
- each file's ``content``: ``null`` without ``--content``, else what the analysis measured:
  ``duration``, ``frame_width``/``frame_height`` (the displayed size the boxes are in),
  ``analysed_height``, ``samples`` (per sampled frame: ``time``, ``faces`` as ``{x, y, width,
  height}`` largest first, ``luma``, ``sharpness``, ``opaque``/``face_opaque`` (alpha matte coverage
  of the frame and of the face, ``null`` without alpha), ``key_share``/``key_spread``/``spill``
  (green screen)), ``cuts`` (``time``, ``score``), ``cut_candidates``, ``audio`` (``null`` without
  an audio track: ``duration``, ``speech`` segments, ``speech_share``, ``peak_dbfs``,
  ``speech_dbfs``, ``noise_dbfs``, ``clipped_share``, ``clipped`` spans), ``audio_problem``,
  ``samples_failed`` and ``seconds`` (the analysis' wall time).
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from enum import Enum
from fractions import Fraction
from typing import Any

from validator.findings import BatchReport, FileReport, Finding, Verdict

SCHEMA_VERSION = 2


def plain(value: Any) -> Any:
    """Facts as JSON values: enums by value, rationals as numbers, dataclasses as objects."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Fraction):
        return round(float(value), 6)
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        for prop in ("display_width", "display_height", "transparent"):
            if hasattr(type(value), prop):
                out[prop] = plain(getattr(value, prop))
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def finding_entry(finding: Finding) -> dict[str, Any]:
    """One finding as JSON: the same object in ``check``'s files and ``update``'s problems."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "expected": finding.expected,
        "actual": finding.actual,
        "fix": finding.fix,
        "at": [{"start": span.start, "end": span.end} for span in finding.at],
    }


def file_entry(report: FileReport, strict: bool) -> dict[str, Any]:
    return {
        "path": report.path,
        "verdict": report.verdict.value,
        "passed": not report.failed(strict),
        "transparent": report.transparent,
        "declared_transparent": report.declared_transparent,
        "findings": [finding_entry(f) for f in report.findings],
        "conform": report.conform,
        "facts": plain(report.facts) if report.facts else None,
        "content": plain(report.content) if report.content else None,
    }


def document(report: BatchReport) -> dict[str, Any]:
    from validator import __version__

    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "avatar-preflight", "version": __version__},
        "profile": report.profile,
        "strict": report.strict,
        "passed": not report.failed,
        "summary": {
            "files": len(report.files),
            "pass": report.count(Verdict.PASS),
            "warn": report.count(Verdict.WARN),
            "fail": report.count(Verdict.FAIL),
        },
        "files": [file_entry(f, report.strict) for f in report.files],
    }


def render(report: BatchReport) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
