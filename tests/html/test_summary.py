"""The GitHub job summary under a simulated ``GITHUB_STEP_SUMMARY``, ``--no-summary``, and names that
would break Markdown."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.html.conftest import HOSTILE
from tests.test_cli import run


def cells(row: str) -> list[str]:
    """A Markdown table row's cells: split on the pipes that are not escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_check_appends_a_summary_under_actions(media: Callable[[str], Path], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    hostile = tmp_path / HOSTILE
    shutil.copyfile(media("landscape"), hostile)
    failing = media("res_720p")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run("check", str(hostile), str(failing), env=env)
    assert result.returncode == 1
    assert "::error" in result.stdout  # the annotations still go to stdout
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "2 files, 1 passed, 0 with warnings, 1 failed" in text
    rows = [cells(line) for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == ["File", "Verdict", "Transparent", "Findings"]
    by_verdict = {row[1]: row for row in rows[1:]}
    assert len(rows) == 3 and all(len(row) == 4 for row in rows)  # the name's pipe did not split a cell
    assert by_verdict["❌ fail"][3] == "resolution (error)" and by_verdict["✅ pass"][3] == "none"
    hostile_cell = by_verdict["✅ pass"][0]
    assert "<img" not in hostile_cell and "&lt;img" in hostile_cell and r"\*\[c\]\`d\`" in hostile_cell
    details = text[text.index("<details>") :]
    assert (
        f"Fixes for {failing}" in details and "ffmpeg" in details and details.rstrip().endswith("</details>")
    )


def test_no_summary_and_no_actions_write_nothing(media: Callable[[str], Path], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    assert run("check", "--no-summary", str(media("landscape")), env=env).returncode == 0
    assert not summary.exists()


def test_an_unwritable_summary_warns_and_keeps_the_verdict(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "no-such-dir" / "summary.md")}
    result = run("check", str(media("landscape")), env=env)
    assert result.returncode == 0
    assert "warning: no job summary" in result.stderr and "Traceback" not in result.stderr


def test_the_action_writes_the_job_summary(
    media: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Action's own step, as the runner starts it: ``GITHUB_STEP_SUMMARY`` set, nothing to opt in."""
    from tests.test_integrations import BIN, context, run_step, steps

    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    paths = f"{media('landscape')}\n{media('res_720p')}"
    result = run_step(steps()["Check videos"], context(paths=paths), f"{BIN}:/usr/bin:/bin")
    assert result.returncode == 1
    assert "| File | Verdict | Transparent | Findings |" in summary.read_text(encoding="utf-8")
