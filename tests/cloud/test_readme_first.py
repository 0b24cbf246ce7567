"""The README's first command runs the whole update flow on the bundled sample, with no cloud account."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parents[2]


def first_command() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "the README lost its first command"
    command = block.group(1).strip().split("&&")[-1]
    words = shlex.split(command)
    assert words[0] == "avatar-preflight"
    return words[1:]


def test_readme_first_command_reaches_success(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    args = first_command()
    assert args[:2] == ["update", "--sandbox"]
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ": Success (Transparent=false)" in result.stdout
