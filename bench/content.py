"""``check --content`` beside the route a user would script instead, on footage that decodes like a camera's.

For every take of the content corpus (:mod:`bench.content_corpus`): the whole ``check --content``
process against ``bench/content_route.py`` (ffmpeg writing one frame a second to JPEG, the same Haar
detector on each image, ffmpeg decoding the audio to a 16 kHz WAV, the same webrtcvad), alternating
in one run (``--repeat`` pairs a row, default 3, 1 with ``--quick``), the medians and the median of
the pairs' ratios; then each side's peak memory, measured from a small parent (``bench/spawn.py``).
The issue's targets: the 15-minute take in at most 15 s and at most 0.1x the route, the 5-minute take
in at most 6 s, peak memory under 400 MB.

Each row's note also gives each side's median CPU time (user+sys of the whole process and its
threads) and the load average over the pairs: on a shared machine the wall time swings with the
neighbours, the CPU time far less, so a change is judged by both.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.content_corpus import Take, build_content
from bench.harness import CLI, ENV, Row, pairs_note
from bench.memory import peak

ROUTE = Path(__file__).with_name("content_route.py")
RATIO = 0.1
PEAK_MB = 400.0
ROUTE_NAME = "ffmpeg 1 fps + Haar + ffmpeg WAV + VAD"


def _ours(take: Take) -> list[str]:
    return [*CLI, "check", "--content", str(take.path)]


def _route(take: Take) -> list[str]:
    return [sys.executable, str(ROUTE), str(take.path)]


def content_available() -> str | None:
    """``None`` when this checkout's ``check`` has ``--content``; else why not, in a few words."""
    done = subprocess.run([*CLI, "check", "--help"], capture_output=True, text=True, env=ENV, check=False)
    if "--content" not in done.stdout:
        return "this checkout's check has no --content (it comes with the content branch)"
    return None


def _first_run(cmd: list[str]) -> tuple[int, float]:
    """Run once (it also warms the page cache for the pairs): exit code and seconds."""
    started = time.perf_counter()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                          check=False).returncode
    return code, time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Timed:
    """Alternating runs of our side and the route: medians of wall and CPU seconds."""

    ours: float
    route: float
    ratio: float
    """The median of the pairs' wall-time ratios, ours over the route."""
    ours_cpu: float
    route_cpu: float
    load: tuple[float, float]
    """The lowest and highest 1-minute load average seen over the pairs."""


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user+sys of the process, its threads and children) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # grows by the children reaped since
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _pairs(ours: list[str], route: list[str], pairs: int) -> Timed:
    """``pairs`` alternations, ours first in even pairs, the route first in odd ones (a side that
    always runs second would always find the page cache the other left)."""
    wall: dict[str, list[float]] = {"ours": [], "route": []}
    cpu: dict[str, list[float]] = {"ours": [], "route": []}
    loads = [os.getloadavg()[0]]
    for n in range(pairs):
        sides = [("ours", ours), ("route", route)]
        for side, cmd in sides if n % 2 == 0 else sides[::-1]:
            w, c = _timed(cmd)
            wall[side].append(w)
            cpu[side].append(c)
        loads.append(os.getloadavg()[0])
    ratio = statistics.median(a / b for a, b in zip(wall["ours"], wall["route"], strict=True))
    return Timed(statistics.median(wall["ours"]), statistics.median(wall["route"]), ratio,
                 statistics.median(cpu["ours"]), statistics.median(cpu["route"]), (min(loads), max(loads)))


def _target(take: Take) -> tuple[str, float | None, float | None]:
    """The target as read, its seconds and its ratio: the issue sets 0.1x for the 15-minute take
    only (a fixed start-up weighs more in a short one), seconds for the 15- and 5-minute ones."""
    seconds = take.target_seconds
    ratio = RATIO if seconds is not None and take.spec.duration >= 900 else None
    parts = ([f"<= {seconds:g} s"] if seconds is not None else []) + ([f"<= {ratio:g}x"] if ratio else [])
    return " and ".join(parts) or "measured (no target)", seconds, ratio


def _time_row(take: Take, pairs: int, missing: str | None) -> Row:
    target, target_s, target_ratio = _target(take)
    figure = f"check --content, whole process vs {ROUTE_NAME}: {take.name}"
    code, _ = _first_run(_ours(take)) if missing is None else (None, 0.0)
    if missing is not None or code not in (0, 1):
        _route_code, alone = _first_run(_route(take))
        why = missing or f"check --content exited {code}: not timed"
        return Row(figure, None, alone, "s", target, None, f"{why}; the route alone, 1 run")
    got = _pairs(_ours(take), _route(take), pairs)
    met = None
    if target_s is not None or target_ratio is not None:
        met = (target_ratio is None or got.ratio <= target_ratio) and (
            target_s is None or got.ours <= target_s)
    note = (f"{pairs_note(pairs)}; CPU {got.ours_cpu:.2f} s vs {got.route_cpu:.2f} s; "
            f"load {got.load[0]:.1f}-{got.load[1]:.1f}")
    return Row(figure, got.ours, got.route, "s", target, met, note, paired_ratio=got.ratio)


def _memory_row(take: Take, missing: str | None) -> Row:
    cwd = take.path.parent
    theirs = peak(_route(take), cwd).mb
    figure = f"peak memory, check --content vs {ROUTE_NAME}: {take.name}"
    if missing is not None:
        return Row(figure, None, theirs, "MB", f"< {PEAK_MB:g} MB", None, missing)
    ours = peak(_ours(take), cwd)
    return Row(figure, ours.mb, theirs, "MB", f"< {PEAK_MB:g} MB", ours.mb < PEAK_MB,
               f"small parent, floor {ours.floor_mb:.1f} MB; exit {ours.exit_code}")


def rows(folder: Path, seconds: float, height: int, pairs: int) -> list[Row]:
    """Build (or reuse) the content corpus whose long take lasts ``seconds``, and measure it."""
    takes = build_content(folder / "content", seconds, height)
    missing = content_available()
    out: list[Row] = []
    for take in takes:
        out.append(_time_row(take, pairs, missing))
        out.append(_memory_row(take, missing))
    return out
