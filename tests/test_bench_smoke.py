"""The benchmark keeps working: a quick run builds its corpus, measures every figure and writes JSON;
and its peak-memory figures are a child's own, not its parent's.

It asserts no time: speed targets live in the benchmark's own table, not in tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOCATE_60MB = "b = b'x' * 60_000_000"


def test_quick_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--corpus", str(tmp_path / "corpus"), "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(out.read_text())
    rows = {row["figure"].split(":")[0]: row for row in doc["rows"]}
    assert {
        "in-process probe (check_file) vs bare av.open",
        "bytes read vs header",
        "remote probe bytes vs local",
        "upload throughput vs one raw PUT",
    } <= rows.keys()
    assert "| figure | ours | alternative | ratio | target | met? | note |" in done.stdout
    for row in doc["rows"]:
        if row["figure"].startswith(("bytes read", "remote probe", "upload", "peak memory, check")):
            assert row["ours"], row
    if shutil.which("ffprobe") is None:
        assert "skipped: ffprobe not found" in done.stdout
        assert {"check FILE, whole process", "peak memory, check FILE"} <= rows.keys()
        assert not any(name.endswith("vs an ffprobe loop") for name in rows)
    else:
        assert rows["check FILE, whole process vs ffprobe"]["alternative"] > 0
        assert rows["10 files in one check call vs an ffprobe loop"]["paired_ratio"] > 0
        assert rows["peak memory, check FILE vs ffprobe"]["alternative"] > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the inherited peak is Linux's behaviour")
def test_peak_memory_is_the_childs_own() -> None:
    """From a parent holding 300 MB, the child's plain rusage reads the parent's peak; the small parent
    reads the child's own 60 MB, as /usr/bin/time does."""
    script = f"""
import os, subprocess, sys
from pathlib import Path
from bench.memory import peak
held = b"x" * 300_000_000
child = [sys.executable, "-c", {ALLOCATE_60MB!r}]
proc = subprocess.Popen(child)
naive = os.wait4(proc.pid, 0)[2].ru_maxrss * 1024 / 1e6
print(naive, peak(child, Path.cwd()).mb)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    naive, ours = (float(x) for x in done.stdout.split())
    assert naive > 300
    assert 60 < ours < 90
    time_v = shutil.which("time", path="/usr/bin")
    if time_v is not None:
        report = subprocess.run(
            [time_v, "-v", sys.executable, "-c", ALLOCATE_60MB], capture_output=True, text=True, check=True
        ).stderr
        kb = next(int(line.split(":")[1]) for line in report.splitlines() if "Maximum resident" in line)
        assert abs(kb * 1024 / 1e6 - ours) < 5


def test_content_rows_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    """``--only content`` builds a real-like corpus (here 4 s at 270p), times both sides and reads both
    peaks; without ``--content`` on this checkout it says so and still times the route."""
    pytest.importorskip("cv2", reason="the route uses OpenCV (the [content] extra)")
    pytest.importorskip("webrtcvad", reason="the route uses webrtcvad (the [content] extra)")
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "content", "--content-seconds", "4",
         "--content-height", "270", "--corpus", str(tmp_path / "corpus"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads(out.read_text())["rows"]
    names = [row["figure"].split(": ")[1] for row in rows]
    assert names == [n for name in ("content-4s.mp4", "content-2s.mp4", "content-prores4444-2s.mov",
                                    "content-vp9-alpha-2s.webm") for n in (name, name)]
    for row in rows:
        assert row["alternative"] > 0, row  # the route ran to its end on every take
        if row["ours"] is None:
            assert "no --content" in row["note"] or "exited" in row["note"], row
        else:
            assert row["ours"] > 0
    assert "bench: encoding content-4s.mp4" in done.stderr
