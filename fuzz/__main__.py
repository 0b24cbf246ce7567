"""Run the fuzzer: ``python -m fuzz --cases 10000 --seed 1``.

Each distinct mutated file is checked under the probe's limits (a tenth with ``--deep``), its report
rendered to strict JSON, and the run fails if any case raised, met an unanticipated error, crashed
its process, ran past its limit, or the process grew past the memory bound. Deterministic for a
given seed. Where processes can be forked, each case is checked in a worker of
:class:`validator.worker.Pool` as ``check`` does a batch, so one case's memory is bounded as a
probe's is (the worker is ended past its limits, and the case is a ``probe-limit``, not a
failure); ``--in-process`` checks them in this process instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from fuzz.mutate import MUTATIONS, not_video
from fuzz.seeds import make_seeds
from validator import worker
from validator.check import UNEXPECTED, check_file
from validator.findings import BatchReport
from validator.formats.json_ import document
from validator.probe.reader import Limits


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="distinct cases to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5.0, help="the probe's time limit per case")
    parser.add_argument("--deep-share", type=float, default=0.1, help="share of cases checked with --deep")
    parser.add_argument("--max-rss-mb", type=int, default=1500, help="fail if the process grows past this")
    parser.add_argument("--keep", type=Path, help="copy failing cases into this folder")
    parser.add_argument(
        "--in-process", action="store_true", help="check the cases in this process, not in a worker"
    )
    return parser


@dataclass
class _Tally:
    """What the run has seen so far."""

    failures: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    by_mutation: Counter[str] = field(default_factory=Counter)
    seen: set[bytes] = field(default_factory=set)
    slowest: float = 0.0
    stopped: int = 0
    """Cases whose worker was ended at its time or memory limit."""


def _mutant(rng: random.Random, seeds: dict[str, bytes]) -> tuple[str, bytes, str]:
    """(mutations applied, bytes, file suffix) of the next case."""
    if rng.random() < 0.05:
        return "not_video", not_video(rng), rng.choice([".mp4", ".webm", ".mov"])
    seed_name = rng.choice(sorted(seeds))
    data = seeds[seed_name]
    ops = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 1, 2, 3]))
    for op in ops:
        data = MUTATIONS[op](data, rng)
    return "+".join(ops), data, Path(seed_name).suffix


def _check(case: Path, deep: bool, limits: Limits) -> tuple[str, str | None]:
    """(outcome, problem or None) of checking one case: what must never happen is a problem."""
    try:
        report = check_file(case, deep=deep, limits=limits)
        json.dumps(document(BatchReport((report,), "fuzz")), allow_nan=False)
    except Exception as exc:  # exactly what must never happen
        return "EXCEPTION", f"{type(exc).__name__}: {exc}"
    outcome = ",".join(sorted({f.rule for f in report.errors})) or "pass/warn"
    if any(UNEXPECTED in f.message for f in report.findings):
        return outcome, report.findings[0].message
    return outcome, None


Checker = Callable[[Path, bool], tuple[str, "str | None"]]


def _checker(args: argparse.Namespace, limits: Limits, stack: ExitStack) -> Checker:
    """How each case is checked: in a stoppable worker, or in this process."""
    if args.in_process or not worker.available():
        return lambda case, deep: _check(case, deep, limits)

    def task(item: tuple[str, bool]) -> tuple[str, str | None]:
        return _check(Path(item[0]), item[1], limits)

    def stopped(item: tuple[str, bool], stop: worker.Stop) -> tuple[str, str | None]:
        if not stop.limit:  # the worker died (a crash), it was not stopped
            return "CRASH", f"the probe {stop.reason}"
        return "probe-limit (stopped)", None

    import av  # noqa: F401  # imported once, before the first fork

    pool = stack.enter_context(worker.Pool(task, stopped, worker.HardLimits(limits.seconds)))
    return lambda case, deep: pool.run([(str(case), deep)])[0]


def _run(args: argparse.Namespace, folder: Path, seeds: dict[str, bytes], tally: _Tally) -> None:
    rng = random.Random(args.seed)
    limits = Limits(seconds=args.timeout)
    with ExitStack() as stack:
        check = _checker(args, limits, stack)
        _cases(args, rng, folder, seeds, tally, check)


def _cases(
    args: argparse.Namespace,
    rng: random.Random,
    folder: Path,
    seeds: dict[str, bytes],
    tally: _Tally,
    check: Checker,
) -> None:
    attempts = 0
    while len(tally.seen) < args.cases and attempts < args.cases * 20:
        attempts += 1
        label, data, suffix = _mutant(rng, seeds)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if digest in tally.seen:
            continue
        tally.seen.add(digest)
        tally.by_mutation.update(label.split("+"))
        case = folder / f"case{suffix}"
        case.write_bytes(data)
        deep = rng.random() < args.deep_share
        t0 = time.perf_counter()
        outcome, problem = check(case, deep)
        elapsed = time.perf_counter() - t0
        tally.slowest = max(tally.slowest, elapsed)
        if elapsed > args.timeout + 2.0:
            problem = problem or f"took {elapsed:.1f} s, past the {args.timeout:g} s limit"
        tally.outcomes[outcome] += 1
        tally.stopped += outcome == "probe-limit (stopped)"
        if problem:
            tally.failures.append(f"case {len(tally.seen)} ({label}, deep={deep}): {problem}")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"case-{len(tally.seen)}{suffix}").write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    tally = _Tally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="avatar-fuzz-") as tmp:
        folder = Path(tmp)
        seeds = make_seeds(folder / "seeds")
        _run(args, folder, seeds, tally)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the workers, reaped
    for who, mb in (("the fuzz process", peak_mb), ("a worker", worker_mb)):
        if mb > args.max_rss_mb:
            tally.failures.append(
                f"peak memory of {who}, {mb:.0f} MB, is past the {args.max_rss_mb} MB bound"
            )
    total = time.perf_counter() - started
    seen = len(tally.seen)
    print(
        f"fuzz: {seen} distinct cases from {len(seeds)} seeds, seed {args.seed}, "
        f"{total:.1f} s, slowest case {tally.slowest * 1000:.0f} ms, peak memory {peak_mb:.0f} MB"
        + (f" (its workers: {worker_mb:.0f} MB; {tally.stopped} stopped at a limit)" if worker_mb else "")
    )
    print("  mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.by_mutation.items())))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in tally.outcomes.most_common()))
    for line in tally.failures[:20]:
        print(f"  FAILED {line}")
    print(f"fuzz: {seen - len(tally.failures)} passed, {len(tally.failures)} failed")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
