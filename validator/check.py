"""Check files: probe, then judge. The library's main entry points."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from validator.errors import ProbeError
from validator.facts import MediaFacts
from validator.findings import BatchReport, FileReport, Finding
from validator.probe import probe
from validator.probe.reader import DEFAULT_LIMITS, Limits
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
    except MemoryError:  # past a worker's allowance (or the machine's): the file is too big to index
        return FileReport(name, None, _limit(name, _memory_reason(), profile), transparent)
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
    found = checks.unreadable(
        name, exc.reason, truncated=exc.truncated, limit=exc.limit, profile=profile, fix=exc.fix
    )
    return FileReport(name, None, found, declared)


def _limit(name: str, reason: str, profile: Profile) -> tuple[Finding, ...]:
    return checks.unreadable(name, reason, limit=True, profile=profile)


def _memory_reason() -> str:
    from validator import memory

    cap = memory.cap()
    if cap is None:
        return "the probe ran out of memory"
    return f"the probe ran out of its {cap // 2**20} MiB memory limit"


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

    A file's check ends by its time limit plus a fraction of a second and holds at most its memory
    allowance, whatever FFmpeg makes of it (:mod:`validator.worker`): one file in a thread of this
    process under a memory limit, abandoned at its deadline; a batch in forked worker processes that
    are ended there. Where processes cannot be forked, a batch is checked in threads (FFmpeg releases
    the GIL while it parses), bounded only by the reader's limits.
    """
    from validator import worker

    profile = profile or default_profile()
    limits = limits or DEFAULT_LIMITS
    workers = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    reports: dict[int, FileReport] = {}

    def one(path: str) -> FileReport:
        return check_file(path, transparent, profile=profile, deep=deep, limits=limits)

    def stopped(path: str, stop: worker.Stop) -> FileReport:
        found = checks.unreadable(path, f"the probe {stop.reason}", limit=stop.limit, profile=profile)
        return FileReport(path, None, found, transparent)

    def done(index: int, report: FileReport, seconds: float) -> None:
        reports[index] = replace(report, seconds=seconds)
        if on_done is not None:
            on_done(reports[index])

    hard = worker.HardLimits(limits.seconds)
    if len(paths) == 1:
        started = time.perf_counter()
        done(0, worker.run_alone(one, paths[0], stopped, hard), time.perf_counter() - started)
    elif worker.available():
        import gc

        import av  # noqa: F401  # before the fork: a child started after a stopped one needs no import

        gc.freeze()  # the children's collections then leave the parent's objects (and pages) alone
        try:
            with worker.Pool(one, stopped, hard, workers) as pool:
                pool.run(list(paths), done)
        finally:
            gc.unfreeze()
    else:
        _in_threads(paths, one, done, workers)
    return BatchReport(tuple(reports[i] for i in range(len(paths))), profile.name, strict)


def _in_threads(
    paths: Sequence[str],
    one: Callable[[str], FileReport],
    done: Callable[[int, FileReport, float], None],
    workers: int,
) -> None:
    def timed(index: int) -> None:
        started = time.perf_counter()
        report = one(paths[index])
        done(index, report, time.perf_counter() - started)

    if workers == 1:
        for index in range(len(paths)):
            timed(index)
        return
    # concurrent.futures took 14 ms to import (fastest of 15 processes, shared machine): not for one file
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(timed, range(len(paths))))
