"""The README's sandbox script runs, as printed, against the sandbox and reaches Success."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from validator.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def readme_script() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- sandbox-script -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README lost its sandbox script"
    return match.group(1)


def test_readme_script_reaches_success(sandbox: Sandbox, media: Callable[[str], Path]) -> None:
    # The script reads only what the sandbox prints: its lines are applied by a shell, over an
    # environment without any cloud setting of its own.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "AVATAR_PREFLIGHT_"))}
    argv = ["sh", "-c", 'eval "$1" && exec "$2" -c "$3"', "sh", sandbox.describe(), sys.executable]
    done = subprocess.run(
        [*argv, readme_script()],
        cwd=ROOT,
        env={**clean, "VIDEO": str(media("landscape"))},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    job, status = done.stdout.split()
    assert len(job) == 32 and status == "Success"
