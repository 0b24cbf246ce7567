"""The benchmark keeps working: a quick run builds its corpus, measures every figure and writes JSON.

It asserts no time: speed targets live in the benchmark's own table, not in tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    figures = {row["figure"].split(":")[0] for row in doc["rows"]}
    assert {
        "probe+rules vs bare av.open",
        "CLI process vs ffprobe",
        "bytes read vs header",
        "peak memory of check",
    } <= figures
    assert all(row["ours"] is not None for row in doc["rows"] if row["figure"].startswith("bytes read"))
    assert "| figure | ours | alternative | ratio | target | met? | note |" in done.stdout
    assert any(row["figure"].startswith("remote probe bytes") and row["ours"] for row in doc["rows"])
    assert any(row["figure"].startswith("upload throughput") and row["ours"] for row in doc["rows"])
