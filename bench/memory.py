"""Peak memory of whole processes, each measured from a small parent (``bench/spawn.py``).

``check`` is measured beside ffprobe on the same file, alternating, the median of a few runs each;
``update --sandbox`` beside the size of the file it uploads, which a flat upload stays far below.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import Item
from bench.harness import CLI, ENV, Row, ffprobe_cmd

_SPAWN = Path(__file__).with_name("spawn.py")
RUNS = 3
"""Peaks vary by a few hundred kilobytes from run to run: three runs a side settle the median."""


@dataclass(frozen=True, slots=True)
class Peak:
    """One process's peak resident set, as its small parent saw it."""

    mb: float
    """The child's ``ru_maxrss``, in MB (10^6 bytes)."""
    floor_mb: float
    """The parent's own peak: the child's figure cannot read lower than this."""
    exit_code: int


def peak(cmd: list[str], cwd: Path) -> Peak:
    """Run ``cmd`` in ``cwd`` from a small parent and return its peak memory."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(_SPAWN), str(cwd), *cmd],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    kb, floor_kb, code = (int(x) for x in done.stdout.split())
    return Peak(kb * 1024 / 1e6, floor_kb * 1024 / 1e6, code)


def _median_peaks(sides: list[list[str]], cwd: Path, runs: int) -> tuple[list[float], float]:
    """Each command's median peak over ``runs`` alternating runs, and the highest floor seen."""
    seen: list[list[float]] = [[] for _ in sides]
    floor = 0.0
    for _ in range(runs):
        for cmd, into in zip(sides, seen, strict=True):
            got = peak(cmd, cwd)
            into.append(got.mb)
            floor = max(floor, got.floor_mb)
    return [statistics.median(s) for s in seen], floor


def check_rows(items: list[Item], have_ffprobe: bool, runs: int = RUNS) -> list[Row]:
    """``check FILE`` beside ``ffprobe`` on the same file: peak memory of the whole process."""
    rows = []
    for item in items:
        sides = [[*CLI, "check", str(item.path)]]
        if have_ffprobe:
            sides.append(ffprobe_cmd(item.path))
        medians, floor = _median_peaks(sides, item.path.parent, runs)
        ours, alt = medians[0], (medians[1] if have_ffprobe else None)
        rows.append(
            Row(
                f"peak memory, check FILE{' vs ffprobe' if have_ffprobe else ''}: {item.name}",
                ours,
                alt,
                "MB",
                "< 150 MB",
                ours < 150,
                f"small parent, floor {floor:.1f} MB; median of {runs}",
            )
        )
    return rows


def update_row(big: Item) -> Row:
    """``update --sandbox`` of the big file (the server runs in the same process): flat memory."""
    size_mb = big.path.stat().st_size / 1e6
    cmd = [
        *CLI,
        "update",
        "--sandbox",
        "--job-id",
        "new",
        "--name",
        "bench",
        "--video",
        str(big.path),
        "--yes",
    ]
    got = peak(cmd, big.path.parent)
    done = got.exit_code == 0  # a refusal (the quick corpus's one-minute takes) uploads nothing
    return Row(
        f"peak memory of update --sandbox (server in-process too): {big.name}",
        got.mb,
        size_mb,
        "MB",
        "flat: far below the file size",
        got.mb < min(300.0, size_mb / 2) if done else None,
        "alternative column: the file size" + ("" if done else f"; exit {got.exit_code}, nothing uploaded"),
    )
