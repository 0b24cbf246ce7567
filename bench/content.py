"""``check --content`` beside the route a user would script instead, on footage that decodes like a camera's.

For every take of the content corpus (:mod:`bench.content_corpus`): the whole ``check --content``
process against ``bench/content_route.py`` (ffmpeg writing one frame a second to JPEG, the same Haar
detector on each image, ffmpeg decoding the audio to a 16 kHz WAV, the same webrtcvad), alternating
in one run, the medians and the median of the pairs' ratios; then each side's peak memory, measured
from a small parent (``bench/spawn.py``). The issue's targets: the 15-minute take in at most 15 s and
at most 0.1x the route, the 5-minute take in at most 6 s, peak memory under 400 MB.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.content_corpus import Take, build_content
from bench.harness import CLI, ENV, Row, paired, pairs_note, quiet
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


def _time_row(take: Take, pairs: int, missing: str | None) -> Row:
    target_s = take.target_seconds
    target = (f"<= {target_s:g} s and " if target_s else "") + f"<= {RATIO:g}x"
    figure = f"check --content, whole process vs {ROUTE_NAME}: {take.name}"
    code, _ = _first_run(_ours(take)) if missing is None else (None, 0.0)
    if missing is not None or code not in (0, 1):
        _route_code, alone = _first_run(_route(take))
        why = missing or f"check --content exited {code}: not timed"
        return Row(figure, None, alone, "s", target, None, f"{why}; the route alone, 1 run")
    got = paired(quiet(_ours(take)), quiet(_route(take)), pairs, warm=False)
    met = got.ratio <= RATIO and (target_s is None or got.ours <= target_s)
    return Row(figure, got.ours, got.alternative, "s", target, met, pairs_note(pairs),
               paired_ratio=got.ratio)


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
