"""Check files: probe, then judge. The library's main entry points."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from validator.errors import ProbeError
from validator.facts import MediaFacts
from validator.findings import BatchReport, FileReport
from validator.probe import probe
from validator.probe.reader import Limits
from validator.profile import Profile, default_profile
from validator.rules import checks

UNEXPECTED = "the probe failed unexpectedly"
"""Start of the reason given when probing raised something no rule anticipated (a bug to report)."""


def check_file(
    path: str | os.PathLike[str],
    transparent: bool | None = None,
    *,
    profile: Profile | None = None,
    deep: bool = False,
    limits: Limits | None = None,
) -> FileReport:
    """Probe ``path`` and judge it. Never raises for a bad file: that is a finding.

    ``transparent`` is the declared flag (``None`` for auto: send what the evidence says).
    """
    profile = profile or default_profile()
    name = os.fspath(path)
    deep_frames = profile.deep_frames if deep else 0
    try:
        facts = probe(name, deep_frames=deep_frames, opaque_alpha=profile.opaque_alpha, limits=limits)
    except ProbeError as exc:
        return unreadable(name, exc, profile, transparent)
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        fix = "Check the path and that you may read the file."
        return FileReport(name, None, checks.unreadable(name, reason, profile=profile, fix=fix), transparent)
    except Exception as exc:  # a hostile file met a bug: report it for this file, keep the batch going
        reason = f"{UNEXPECTED} ({type(exc).__name__}: {exc})"
        return FileReport(name, None, checks.unreadable(name, reason, profile=profile), transparent)
    return judge(name, facts, profile, transparent)


def judge(name: str, facts: MediaFacts, profile: Profile, declared: bool | None) -> FileReport:
    """The report on a probed file: the rules' findings, and the one command that clears them if any."""
    findings = checks.evaluate(facts, profile, declared)
    return FileReport(name, facts, findings, declared, checks.conform_command(facts, profile, findings))


def unreadable(name: str, exc: ProbeError, profile: Profile, declared: bool | None) -> FileReport:
    """The report on a file the probe could not read."""
    found = checks.unreadable(name, exc.reason, truncated=exc.truncated, limit=exc.limit, profile=profile)
    return FileReport(name, None, found, declared)


def check_files(
    paths: Sequence[str],
    transparent: bool | None = None,
    *,
    profile: Profile | None = None,
    deep: bool = False,
    strict: bool = False,
    jobs: int | None = None,
    limits: Limits | None = None,
    on_done: Callable[[FileReport], None] | None = None,
) -> BatchReport:
    """Check many files in parallel; results come back in input order.

    FFmpeg releases the GIL while it parses and decodes, so threads overlap the real work without
    paying a process start-up per worker.
    """
    profile = profile or default_profile()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))

    def one(path: str) -> FileReport:
        started = time.perf_counter()
        report = check_file(path, transparent, profile=profile, deep=deep, limits=limits)
        report = replace(report, seconds=time.perf_counter() - started)
        if on_done is not None:
            on_done(report)
        return report

    if workers == 1:
        reports = [one(p) for p in paths]
    else:
        # concurrent.futures took 14 ms to import (fastest of 15 processes, shared machine): not for one file
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            reports = list(pool.map(one, paths))
    return BatchReport(tuple(reports), profile.name, strict)
