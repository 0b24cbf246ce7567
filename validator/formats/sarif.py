"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, SARIF viewers).

One run; the driver lists every rule of the catalog, so a dashboard can show rules that did not fire.
A video has no lines: each result points at its file with ``startLine`` 1, which GitHub requires,
and carries its own fingerprint, so the uploader does not try to hash lines of a binary file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from validator.findings import BatchReport, FileReport, Finding, Severity
from validator.formats.escape import json_text
from validator.rules.catalog import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_FINGERPRINT = "avatarPreflight/v1"


def _uri(path: str) -> dict[str, str]:
    """An artifact location: relative paths against the checkout root, absolute ones as file URIs,
    a cloud input's URL (``oss://``, ``https://``) as it is."""
    if "://" in path and path.split("://", 1)[0] in ("oss", "https", "http"):
        return {"uri": path}
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(os.fsencode(pure.as_posix()))}
    return {"uri": quote(os.fsencode(pure.as_posix())), "uriBaseId": "%SRCROOT%"}


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
    }


def _result(report: FileReport, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    digest = hashlib.sha256(os.fsencode(f"{finding.rule}\0{report.path}")).hexdigest()[:32]
    properties = {
        key: value
        for key, value in (("expected", finding.expected), ("actual", finding.actual), ("fix", finding.fix))
        if value is not None
    }
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [
            {"physicalLocation": {"artifactLocation": _uri(report.path), "region": {"startLine": 1}}}
        ],
        "partialFingerprints": {_FINGERPRINT: digest},
    }
    if properties:
        result["properties"] = properties
    return result


def document(report: BatchReport) -> dict[str, Any]:
    from validator import __version__

    index = {rule_id: i for i, rule_id in enumerate(RULES)}
    results = [_result(f, finding, index) for f in report.files for finding in f.findings]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "avatar-preflight",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rule_id) for rule_id in RULES],
                    }
                },
                "automationDetails": {"id": f"avatar-preflight/{report.profile}/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"profile": report.profile, "strict": report.strict},
            }
        ],
    }


def render(report: BatchReport) -> str:
    return json_text(json.dumps(document(report), indent=2, ensure_ascii=False)) + "\n"
