"""The fuzzing harness in its bounded mode: a few hundred hostile files, every one a finding.

The long mode (``python -m fuzz --cases 10000``) is the same code with more cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_three_hundred_hostile_files_end_in_findings() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fuzz", "--cases", "300", "--seed", "7", "--deep-share", "0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fuzz: 300 passed, 0 failed" in done.stdout
    assert "Traceback" not in done.stderr
