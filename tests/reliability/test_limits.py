"""The time limit and the memory bound hold whatever the file (issue 14, item 1).

The hostile MP4s are written by a small box writer (``hostile_mp4``), sparse and in a fraction of a
second: a thousand tracks, 100 MB of sample tables, and a file within every structural limit that
still keeps FFmpeg busy for seconds. Each ``check`` runs as a whole process under ``bench/spawn.py``,
which reports the peak memory of the process and the workers it forked, so "bounded" is measured,
and against the same command on a plain file (the baseline: start-up, imports, a sane probe).
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.reliability import hostile_mp4

MEMORY_BOUND_KB = 300 * 1024
"""What one probe may hold beyond the process's baseline."""
GRACE_S = 1.0
"""Each file ends within its ``--timeout`` plus this."""


@dataclass(frozen=True)
class Run:
    exit: int
    wall: float
    peak_kb: int
    files: dict[str, tuple[float, list[str]]]
    """By file name: the seconds its check took ("checked in"), and its findings' lines."""

    def rules(self, name: str) -> list[str]:
        return [FINDING_LINE.match(line)["rule"] for line in self.files[name][1]]  # type: ignore[index]

    def says(self, name: str) -> str:
        return "\n".join(self.files[name][1])

    def seconds(self, name: str) -> float:
        return self.files[name][0]


FILE_LINE = re.compile(r"^(?P<path>\S.*): (?:PASS|WARN|FAIL)\b")
TOOK_LINE = re.compile(r"^  checked in (?P<ms>\d+) ms")
FINDING_LINE = re.compile(r"^  (?:ERROR|WARNING|INFO) +(?P<rule>[a-z0-9-]+) ")


def _parse(text: str) -> dict[str, tuple[float, list[str]]]:
    """Each file's time and rule ids from the verbose text report."""
    files: dict[str, tuple[float, list[str]]] = {}
    name = ""
    for line in text.splitlines():
        if match := FILE_LINE.match(line):
            name = Path(match["path"]).name
            files[name] = (math.nan, [])
        elif (match := TOOK_LINE.match(line)) and name:
            files[name] = (int(match["ms"]) / 1000, files[name][1])
        elif (match := FINDING_LINE.match(line)) and name:
            files[name][1].append(line)
    return files


def _check(tmp: Path, *args: str, timeout: float) -> Run:
    """``-v check -o FILE ARGS`` from a small parent: exit, wall time, peak memory, the report."""
    out = tmp / "report.txt"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "cli.py"), "-v", "check", "-o", str(out), *args]
    spawn = [sys.executable, "-I", "-S", str(ROOT / "bench" / "spawn.py"), str(tmp), *command]
    started = time.monotonic()
    # a generous bound of our own: on a tree without the limits these files run for minutes
    done = subprocess.run(spawn, capture_output=True, text=True, timeout=timeout + 20, check=True)
    wall = time.monotonic() - started
    peak, _floor, status = (int(x) for x in done.stdout.split())
    files = _parse(out.read_text(encoding="utf-8")) if out.exists() else {}
    return Run(status, wall, peak, files)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "plain": hostile_mp4.write(folder / "plain.mp4", tracks=1, samples=100),
        # the file: 120 MB, a thousand tracks of 30,000 samples
        "tracks": hostile_mp4.write(folder / "tracks.mp4", tracks=1000, samples=30_000),
        # a thousand tracks in a 12 MB moov: read whole in no time, then FFmpeg opens every stream
        "tracks-small": hostile_mp4.write(folder / "tracks-small.mp4", tracks=1000, samples=3000),
        # one track whose stsz lists 25 million samples: 100 MB of sample tables
        "tables": hostile_mp4.write(folder / "tables.mp4", tracks=1, samples=25_000_000),
        # within every structural limit (30 tracks, 990,000 samples in 4 MB): FFmpeg then builds its
        # indexes for seconds, with hardly a read at which the reader's own deadline could stop it
        "slow": hostile_mp4.write(folder / "slow.mp4", tracks=30, samples=33_000),
    }


@pytest.fixture(scope="module")
def baseline(hostile: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same command on a plain file: what start-up and a sane probe cost here, now."""
    run = _check(tmp_path_factory.mktemp("baseline"), str(hostile["plain"]), timeout=10)
    assert "duration-range" in run.rules("plain.mp4") and "probe-limit" not in run.rules("plain.mp4")
    return run


def _assert_bounded(run: Run, baseline: Run, timeout: float, *, together: bool = True) -> None:
    """Each file ended within ``timeout`` + 1 s (and the whole run did, when its files ran side by
    side), and the run peaked within the memory bound of the baseline."""
    for name, (seconds, _) in run.files.items():
        assert seconds <= timeout + GRACE_S, f"{name} took {seconds:.1f} s with --timeout {timeout:g}"
    if together:
        took = run.wall - baseline.wall
        assert took <= timeout + GRACE_S, f"the run took {took:.1f} s more than a plain file's"
    grown = run.peak_kb - baseline.peak_kb
    assert grown <= MEMORY_BOUND_KB, f"peaked {grown / 1024:.0f} MB above the baseline"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("tracks-small", "it has 1000 tracks, past the limit of 32"), ("tables", "its index (moov) is 95 MiB")],
)
def test_a_hostile_index_is_refused_within_the_time_limit_and_the_memory_bound(
    name: str, reason: str, hostile: dict[str, Path], baseline: Run, tmp_path: Path
) -> None:
    """Refused from the header, before FFmpeg parses it, saying which limit the file passed."""
    run = _check(tmp_path, "--timeout", "2", str(hostile[name]), timeout=2)
    assert run.exit == 1
    assert run.rules(f"{name}.mp4") == ["probe-limit"]
    assert reason in run.says(f"{name}.mp4")
    _assert_bounded(run, baseline, 2)


def test_three_hostile_files_at_once_each_end_in_time(
    hostile: dict[str, Path], baseline: Run, tmp_path: Path
) -> None:
    """The issue's three 120 MB files of a thousand tracks with ``--jobs 3``, and beside them the
    other kinds: the structural limits' refusals, and the hard stop of a worker among others."""
    names = ("tracks", "tracks-small", "tables", "slow")
    run = _check(tmp_path, "--timeout", "2", "--jobs", "3", *(str(hostile[n]) for n in names), timeout=2)
    assert run.exit == 1
    assert all(run.rules(f"{n}.mp4") == ["probe-limit"] for n in names[:3])
    assert run.rules("slow.mp4")  # stopped, or done in time on a quick machine: either way, in time
    _assert_bounded(run, baseline, 2, together=False)  # four files on three workers: one waits
    copies = [tmp_path / f"tracks-{i}.mp4" for i in range(3)]
    for copy in copies:
        copy.symlink_to(hostile["tracks"])
    run = _check(tmp_path, "--timeout", "2", "--jobs", "3", *map(str, copies), timeout=2)
    assert all(run.rules(c.name) == ["probe-limit"] for c in copies)
    _assert_bounded(run, baseline, 2)
    slow = [tmp_path / f"slow-{i}.mp4" for i in range(3)]  # three workers stopped side by side
    for copy in slow:
        copy.symlink_to(hostile["slow"])
    run = _check(tmp_path, "--timeout", "0.5", "--jobs", "3", *map(str, slow), timeout=0.5)
    assert all(run.rules(c.name) == ["probe-limit"] for c in slow)
    _assert_bounded(run, baseline, 0.5)


def test_a_probe_that_runs_long_is_stopped_and_the_batch_goes_on(
    hostile: dict[str, Path], baseline: Run, tmp_path: Path
) -> None:
    """The structural limits pass this file; FFmpeg would work on it for seconds: the hard stop."""
    files = [hostile["slow"], hostile["plain"], hostile["tracks"]]
    # 0.5 s, as in the tests around it: the slow file takes ~1.9 s of probing on a quiet machine, so a
    # 1 s limit left it a margin of less than 2x (a CI run once finished it inside the limit)
    run = _check(tmp_path, "--timeout", "0.5", "--jobs", "1", *map(str, files), timeout=0.5)
    assert run.exit == 1
    assert run.rules("slow.mp4") == ["probe-limit"]
    assert "probe-limit" not in run.rules("plain.mp4") and "duration-range" in run.rules("plain.mp4")
    assert run.rules("tracks.mp4") == ["probe-limit"]
    _assert_bounded(run, baseline, 0.5, together=False)  # one worker: the files queue


def test_one_file_that_runs_long_is_stopped(hostile: dict[str, Path], baseline: Run, tmp_path: Path) -> None:
    run = _check(tmp_path, "--timeout", "0.5", str(hostile["slow"]), timeout=0.5)
    assert run.exit == 1
    assert run.rules("slow.mp4") == ["probe-limit"]
    _assert_bounded(run, baseline, 0.5)


MEMORY_SCRIPT = """
import sys
from validator import check_files
from validator.probe.reader import Limits

# every structural limit out of the way: only the hard memory limit stands between FFmpeg and the
# 25 million index entries of this file (some 1.2 GB)
open_door = Limits(seconds=60, max_tracks=10**6, max_index_bytes=2**40, max_samples=2**40)
report = check_files(sys.argv[1:], limits=open_door)
print("|".join(f.findings[0].rule + ":" + f.findings[0].message for f in report.files))
"""


@pytest.mark.parametrize("batch", [False, True])
def test_the_memory_limit_holds_where_the_structure_passes(
    batch: bool, hostile: dict[str, Path], baseline: Run, tmp_path: Path
) -> None:
    script = tmp_path / "memory.py"
    script.write_text(MEMORY_SCRIPT, encoding="utf-8")
    files = [hostile["tables"], hostile["plain"]] if batch else [hostile["tables"]]
    command = [sys.executable, str(script), *map(str, files)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's library, not an installed one
    spawn = [sys.executable, "-I", "-S", str(ROOT / "bench" / "spawn.py"), str(ROOT), *command]
    small = subprocess.run(
        [*spawn[:5], sys.executable, str(script), str(hostile["plain"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    done = subprocess.run(spawn, capture_output=True, text=True, timeout=60, check=True, env=env)
    peak, _, status = (int(x) for x in done.stdout.split())
    assert status == 0
    grown = peak - int(small.stdout.split()[0])
    assert grown <= MEMORY_BOUND_KB, f"peaked {grown / 1024:.0f} MB above the baseline"
    assert int(small.stdout.split()[2]) == 0
    shown = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True, env=env)
    first = shown.stdout.strip().split("|")[0]
    assert first.startswith("probe-limit:") and "MiB memory limit" in first


def test_a_timeout_that_is_no_limit_is_a_usage_error(hostile: dict[str, Path]) -> None:
    """``inf`` ran without a limit; ``nan``, negative and zero stay refused. On both parsers: the
    fast one leaves each to Typer, which refuses it in one line."""
    from avatar_preflight_cli.fast import parse

    for value in ("inf", "nan", "-1"):
        assert parse(["check", "--timeout", value, "a.mp4"]) is None, value
        done = subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), "check", "--timeout", value, str(hostile["plain"])],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, value
        errors = [line for line in done.stderr.splitlines() if "Error" in line]
        assert len(errors) == 1 and "--timeout" in errors[0], done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("seconds", [math.nan, math.inf, -math.inf, -1.0])
def test_the_library_refuses_a_time_limit_that_is_none(seconds: float) -> None:
    from validator.probe.reader import Limits

    with pytest.raises(ValueError, match="time limit"):
        Limits(seconds=seconds)


def _ebml(element_id: int, *payload: bytes) -> bytes:
    body = b"".join(payload)
    size = (0x01 << 56 | len(body)).to_bytes(8, "big")  # the 8-byte size vint: any length
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + size + body


def test_a_matroska_file_of_many_tracks_is_refused_from_its_header(tmp_path: Path) -> None:
    from validator import check_file

    entries = [
        _ebml(0xAE, _ebml(0xD7, bytes([n])), _ebml(0x83, b"\x01"), _ebml(0x86, b"V_VP9"))
        for n in range(1, 101)
    ]
    head = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    path = tmp_path / "tracks.webm"
    path.write_bytes(head + _ebml(0x18538067, _ebml(0x1654AE6B, *entries)))
    report = check_file(path)
    assert [f.rule for f in report.findings] == ["probe-limit"]
    assert "it has 100 tracks, past the limit of 32" in report.findings[0].message
