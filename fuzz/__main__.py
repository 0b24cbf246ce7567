"""Run the fuzzer: ``python -m fuzz --cases 10000 --seed 1``.

Each distinct mutated file is checked in-process under the probe's limits (a tenth with ``--deep``), its
report rendered to strict JSON, and the run fails if any case raised, met an unanticipated error, ran
past its limit, or the process grew past the memory bound. Deterministic for a given seed.
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
from pathlib import Path

from fuzz.mutate import MUTATIONS, not_video
from fuzz.seeds import make_seeds
from validator.check import UNEXPECTED, check_file
from validator.findings import BatchReport
from validator.formats.json_ import document
from validator.probe.reader import Limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="distinct cases to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5.0, help="the probe's time limit per case")
    parser.add_argument("--deep-share", type=float, default=0.1, help="share of cases checked with --deep")
    parser.add_argument("--max-rss-mb", type=int, default=1500, help="fail if the process grows past this")
    parser.add_argument("--keep", type=Path, help="copy failing cases into this folder")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    limits = Limits(seconds=args.timeout)
    failures: list[str] = []
    outcomes: Counter[str] = Counter()
    by_mutation: Counter[str] = Counter()
    seen: set[bytes] = set()
    slowest = 0.0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="avatar-fuzz-") as tmp:
        folder = Path(tmp)
        seeds = make_seeds(folder / "seeds")
        names = sorted(seeds)
        attempts = 0
        while len(seen) < args.cases and attempts < args.cases * 20:
            attempts += 1
            if rng.random() < 0.05:
                label, data, suffix = "not_video", not_video(rng), rng.choice([".mp4", ".webm", ".mov"])
            else:
                seed_name = rng.choice(names)
                data = seeds[seed_name]
                ops = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 1, 2, 3]))
                for op in ops:
                    data = MUTATIONS[op](data, rng)
                label, suffix = "+".join(ops), Path(seed_name).suffix
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest in seen:
                continue
            seen.add(digest)
            by_mutation.update(label.split("+"))
            case = folder / f"case{suffix}"
            case.write_bytes(data)
            deep = rng.random() < args.deep_share
            t0 = time.perf_counter()
            problem: str | None = None
            try:
                report = check_file(case, deep=deep, limits=limits)
                json.dumps(document(BatchReport((report,), "fuzz")), allow_nan=False)
                outcome = ",".join(sorted({f.rule for f in report.errors})) or "pass/warn"
                if any(UNEXPECTED in f.message for f in report.findings):
                    problem = report.findings[0].message
            except Exception as exc:  # exactly what must never happen
                outcome, problem = "EXCEPTION", f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - t0
            slowest = max(slowest, elapsed)
            if elapsed > args.timeout + 2.0:
                problem = problem or f"took {elapsed:.1f} s, past the {args.timeout:g} s limit"
            outcomes[outcome] += 1
            if problem:
                failures.append(f"case {len(seen)} ({label}, deep={deep}): {problem}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"case-{len(seen)}{suffix}").write_bytes(data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if peak_mb > args.max_rss_mb:
        failures.append(f"peak memory {peak_mb:.0f} MB is past the {args.max_rss_mb} MB bound")
    total = time.perf_counter() - started
    print(
        f"fuzz: {len(seen)} distinct cases from {len(seeds)} seeds, seed {args.seed}, "
        f"{total:.1f} s, slowest case {slowest * 1000:.0f} ms, peak memory {peak_mb:.0f} MB"
    )
    print("  mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(by_mutation.items())))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    for line in failures[:20]:
        print(f"  FAILED {line}")
    print(f"fuzz: {len(seen) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
