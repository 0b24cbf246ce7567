"""The README's demo script runs green against its own sandbox, and the module entry starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_demo_script_reaches_success(videos: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "samples.sandbox_demo", "--video", str(videos["opaque"])],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for step in ("1. created job", "2. uploaded", "3. registered media", "Normal",
                 "4. updated", "5. submitted", "status: Success"):
        assert step in done.stdout


def test_sandbox_command_refuses_remote_host() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "validator", "sandbox", "--host", "0.0.0.0"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=30,
    )
    assert done.returncode == 2 and "loopback" in done.stderr
