"""Output for people and pipelines: --quiet, --verbose, colour only on terminals, SARIF, completion."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.test_cli import run

ESC = "\x1b["


def in_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the CLI with stdout on a pseudo-terminal, as a person would; return what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "validator", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TERM": "xterm", **(env or {})},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_only(media: Callable[[str], Path]) -> None:
    path = str(media("res_720p"))
    coloured = in_terminal("check", path)
    assert ESC in coloured and "FAIL" in coloured
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert ESC not in in_terminal("check", path, env={**env, "NO_COLOR": "1"})
    piped = run("check", path)
    assert ESC not in piped.stdout and "FAIL" in piped.stdout


def test_quiet_prints_only_failures(media: Callable[[str], Path]) -> None:
    good = run("--quiet", "check", str(media("moov_end")))
    assert good.returncode == 0 and good.stdout == ""
    bad = run("-q", "check", str(media("landscape")), str(media("res_720p")))
    assert bad.returncode == 1
    assert "hd720.mp4: FAIL" in bad.stdout and "landscape" not in bad.stdout
    assert "resolution" in bad.stdout and "audio-missing" not in bad.stdout
    assert "checked against" not in bad.stdout


def test_quiet_and_verbose_also_follow_the_command(media: Callable[[str], Path], tmp_path: Path) -> None:
    assert run("check", str(media("moov_end")), "-q").stdout == ""
    assert "1 file; probing took" in run("check", str(media("landscape")), "--verbose").stderr
    fixed = run("fix", str(media("moov_end")), str(tmp_path / "out.mp4"), "-q")
    assert fixed.returncode == 0 and fixed.stdout == "", fixed.stderr
    assert run("check", str(media("landscape")), "-q", "-v").returncode == 2


def test_verbose_adds_facts_and_timings(media: Callable[[str], Path]) -> None:
    result = run("--verbose", "check", str(media("landscape")))
    assert result.returncode == 0
    assert "  file: " in result.stdout and "brand isom" in result.stdout and "checked in " in result.stdout
    assert "1 file; probing took" in result.stderr
    assert run("-q", "-v", "check", str(media("landscape"))).returncode == 2


def test_sarif_output(media: Callable[[str], Path], tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = run("check", "-f", "sarif", "-o", str(out), str(media("landscape")), str(media("res_720p")))
    assert result.returncode == 1
    doc = json.loads(out.read_text())
    assert doc["version"] == "2.1.0"
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["resolution"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("hd720.mp4") and location["region"]["startLine"] == 1
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[0]["ruleIndex"]]["id"] == "resolution"


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in run("--help").stdout
    result = subprocess.run(
        [str(Path(sys.executable).parent / "avatar-preflight"), "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "complete" in result.stdout
