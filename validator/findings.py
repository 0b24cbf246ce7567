"""Judgements: findings with stable rule ids, and the reports that carry them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from validator.facts import MediaFacts

if TYPE_CHECKING:  # a plain check never loads the content records
    from validator.content.facts import ContentFacts, Span


class Severity(str, Enum):
    """How much a finding matters. ``error`` fails the file; ``warning`` fails it only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Verdict(str, Enum):
    """The outcome for one file."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's judgement on one file."""

    rule: str
    """Stable rule id (see ``validator.rules.catalog``); never renamed."""
    severity: Severity
    """Severity after the profile's overrides."""
    message: str
    """One sentence for people, built from ``expected`` and ``actual``."""
    expected: str | None = None
    """What the profile asks for."""
    actual: str | None = None
    """What the file has."""
    fix: str | None = None
    """What to do about it: usually an exact ffmpeg command."""
    at: tuple[Span, ...] = ()
    """Where in the take it happens (content findings); empty when it concerns the whole file."""


@dataclass(frozen=True, slots=True)
class FileReport:
    """Facts and findings for one input."""

    path: str
    """The path as given."""
    facts: MediaFacts | None
    """What the probe established; ``None`` when the file could not be probed at all."""
    findings: tuple[Finding, ...]
    """Every finding, errors first."""
    declared_transparent: bool | None = None
    """The ``--transparent`` value the user declared; ``None`` for ``auto``."""
    conform: str | None = None
    """One command that fixes every fixable finding at once, when there is one."""
    seconds: float | None = None
    """Wall time spent probing and judging the file, when measured."""
    content: ContentFacts | None = None
    """What ``--content`` measured; ``None`` when it was not asked for or could not run."""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def verdict(self) -> Verdict:
        if self.errors:
            return Verdict.FAIL
        return Verdict.WARN if self.warnings else Verdict.PASS

    def failed(self, strict: bool = False) -> bool:
        """Whether this file fails the gate (warnings count with ``strict``)."""
        return self.verdict is Verdict.FAIL or (strict and self.verdict is Verdict.WARN)

    @property
    def transparent(self) -> bool | None:
        """The ``Transparent`` value to send: derived from the evidence."""
        return self.facts.transparent if self.facts else None


@dataclass(frozen=True, slots=True)
class BatchReport:
    """The reports of one ``check`` run, in input order."""

    files: tuple[FileReport, ...]
    profile: str
    """Name of the profile the files were judged against."""
    strict: bool = False

    @property
    def failed(self) -> bool:
        return any(f.failed(self.strict) for f in self.files)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for f in self.files if f.verdict is verdict)


def sort_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Errors first, then warnings, then info; stable within a severity."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return tuple(sorted(findings, key=lambda f: order[f.severity]))
