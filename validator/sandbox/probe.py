"""How the sandbox examines uploaded videos: through the project's own probe, behind a seam.

Media preparation (GetMediaInfo) needs the facts; training needs the verdict, given the job's
``Transparent`` flag. Both go through one :data:`ProbeFn`, so tests can inject a stand-in and the
sandbox imports the probe (and PyAV) only when a video is first examined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from validator.facts import MediaFacts


@dataclass(frozen=True)
class Problem:
    """One reason a video cannot be trained on."""

    rule: str
    """The probe's rule id (``transparent-mismatch``, ``resolution``...)."""
    message: str
    """What is wrong, for people."""


@dataclass(frozen=True)
class ProbeOutcome:
    """What examining one file established."""

    facts: MediaFacts | None
    """The probe's facts; ``None`` when the file could not be read as media at all."""
    problems: tuple[Problem, ...]
    """Error-level findings: any problem fails training."""


ProbeFn = Callable[[Path, "bool | None"], ProbeOutcome]
"""``probe(path, transparent)``: examine ``path`` against the training rules, with the declared
``Transparent`` flag (``None`` when only the facts are wanted)."""


def project_probe(path: Path, transparent: bool | None) -> ProbeOutcome:
    """The real thing: :func:`validator.check_file` with the default profile."""
    from validator import check_file  # lazy: imports PyAV

    report = check_file(str(path), transparent=transparent)
    problems = tuple(Problem(f.rule, f.message) for f in report.errors)
    return ProbeOutcome(report.facts, problems)


def describe_problems(problems: tuple[Problem, ...]) -> str:
    """The ``Message`` of a failed job: every problem, rule first."""
    return "; ".join(f"[{p.rule}] {p.message}" for p in problems)
