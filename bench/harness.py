"""The bench's measuring tools: a row of the table, timing (alone or alternating), commands, rendering.

Every figure that has an alternative is taken alternately (ours, theirs, ours, theirs...) and judged
on the median of the pairs' ratios: on a shared machine, load that comes and goes falls on both sides
of a pair alike, where two medians taken one after the other would each catch a different neighbour.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

EXE = [sys.executable, "-m", "validator"]
_SCRIPT = Path(sys.executable).parent / "avatar-preflight"
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else EXE
"""The installed console script, as a user runs it (``python -m validator`` where there is none)."""

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Warm means warm for Python too: compiled modules are cached on the first run, as on any machine
where the variable is not set (some CI images set it; then every start-up compiles our sources)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a figure, ours beside the alternative, and the target it is held to."""

    figure: str
    """What is measured, and on which file (``figure: file``)."""
    ours: float | None
    """avatar-preflight's figure, in ``unit``."""
    alternative: float | None
    """What a user would run instead, measured in the same run (``None``: not measured)."""
    unit: str
    """``s``, ``B``, ``MB`` or ``MB/s``."""
    target: str
    """The target, as a person reads it."""
    met: bool | None
    """Whether the target is met (``None``: it could not be judged)."""
    note: str = ""
    paired_ratio: float | None = None
    """For alternating measurements: the median of each pair's ratio (drift cancels within a pair)."""

    @property
    def ratio(self) -> float | None:
        """Ours over the alternative: the paired median where there is one."""
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.ours is None or not self.alternative:
            return None
        return self.ours / self.alternative


@dataclass(frozen=True, slots=True)
class Paired:
    """Two sides measured alternately."""

    ours: float
    """The median of our side."""
    alternative: float
    """The median of the other side."""
    ratio: float
    """The median of the pairs' ratios, ours over the alternative."""


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``fn``, after one call that warms caches."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired(
    ours: Callable[[], object], alternative: Callable[[], object], pairs: int, *, warm: bool = True
) -> Paired:
    """``pairs`` alternations of the two sides (after one warming call of each, unless ``warm`` is
    false: a side that takes seconds is warmed by the other's run over the same files)."""
    if warm:
        ours()
        alternative()
    a: list[float] = []
    b: list[float] = []
    for _ in range(pairs):
        for fn, into in ((ours, a), (alternative, b)):
            t0 = time.perf_counter()
            fn()
            into.append(time.perf_counter() - t0)
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return Paired(statistics.median(a), statistics.median(b), ratio)


def pairs_note(pairs: int) -> str:
    """How many alternations a figure is the median of."""
    return "1 pair" if pairs == 1 else f"{pairs} pairs"


def run_quiet(cmd: list[str], cwd: Path | None = None) -> None:
    """Run ``cmd`` to its end, its output discarded."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV, cwd=cwd)


def quiet(cmd: list[str], cwd: Path | None = None) -> Callable[[], None]:
    """``run_quiet`` of ``cmd``, to be timed."""
    return partial(run_quiet, cmd, cwd)


def ffprobe_cmd(path: Path) -> list[str]:
    """What a user runs to read a file's streams and format without us."""
    return ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.1f} ms"
    if unit == "B":
        return f"{value / 1024:.0f} KiB"
    return f"{value:.1f} {unit}"


def render(rows: list[Row]) -> str:
    """The table, as Markdown."""
    lines = [
        "| figure | ours | alternative | ratio | target | met? | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.2f}x"
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        cells = [r.figure, _fmt(r.ours, r.unit), _fmt(r.alternative, r.unit), ratio, r.target, met, r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
