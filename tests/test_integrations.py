"""The pre-commit hook and the GitHub Action, run from their own definition files."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["avatar-preflight"]
    found: dict[str, Any] = hooks[0]
    return found


def run_hook(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run the hook as pre-commit does: entry, then args, then the staged files its pattern selects."""
    spec = hook()
    pattern = re.compile(spec["files"])
    selected = [str(f) for f in files if pattern.search(f.name)]
    command = [*shlex.split(spec["entry"]), *spec.get("args", []), *selected]
    command[0] = str(BIN / command[0])  # the console script installed with the package
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_hook_definition() -> None:
    spec = hook()
    assert spec["language"] == "python" and spec["pass_filenames"] is True
    assert spec["entry"].startswith("avatar-preflight check")
    pattern = re.compile(spec["files"])
    assert all(pattern.search(n) for n in ("a.mp4", "B.MOV", "c.webm", "d.mkv", "e.m4v"))
    assert not any(pattern.search(n) for n in ("a.mp4.txt", "notes.md", "mp4"))


def test_hook_passes_good_videos(media: Callable[[str], Path], tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video: the pattern leaves it out")
    result = run_hook([media("landscape"), media("vp9_alpha"), notes])
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_fails_bad_videos(media: Callable[[str], Path]) -> None:
    result = run_hook([media("landscape"), media("res_720p")])
    assert result.returncode == 1
    assert "resolution" in result.stdout and "fix: ffmpeg" in result.stdout


# -- the GitHub Action ---------------------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def action() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
    return found


def run_step(step: dict[str, Any], context: dict[str, str], path: str) -> subprocess.CompletedProcess[str]:
    """Run one composite ``run`` step with bash, its ``${{ }}`` expressions filled from ``context``."""
    assert step["shell"] == "bash"
    env = {k: EXPRESSION.sub(lambda m: context[m.group(1)], str(v)) for k, v in step.get("env", {}).items()}
    assert "${{" not in step["run"], "inputs reach the script through env only (no script injection)"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path, "GITHUB_ACTIONS": "true", **env},
        cwd=ROOT,
        timeout=120,
    )


def context(**inputs: str) -> dict[str, str]:
    spec = action()
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in spec["inputs"].items()}
    values.update({f"inputs.{k.replace('_', '-')}": v for k, v in inputs.items()})
    values["github.action_path"] = str(ROOT)
    return values


def steps() -> dict[str, dict[str, Any]]:
    return {s.get("name", s.get("uses", "")): s for s in action()["runs"]["steps"]}


def test_action_definition() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    assert set(spec["inputs"]) == {"paths", "args", "python-version", "version"}
    assert spec["inputs"]["paths"]["required"] is True
    assert any(s.get("uses", "").startswith("actions/setup-python@") for s in spec["runs"]["steps"])


@pytest.mark.parametrize(("version", "expected"), [("", str(ROOT)), ("0.1.0", "avatar-preflight==0.1.0")])
def test_action_installs_itself_or_a_release(version: str, expected: str, tmp_path: Path) -> None:
    # A stand-in `python` records the install command instead of changing this environment.
    stub = tmp_path / "python"
    stub.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "args"}\n')
    stub.chmod(0o755)
    result = run_step(
        steps()["Install avatar-preflight"], context(version=version), f"{tmp_path}:/usr/bin:/bin"
    )
    assert result.returncode == 0, result.stderr
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["-m", "pip", "install"] and args[-1] == expected


def test_action_annotates_failing_files(media: Callable[[str], Path]) -> None:
    paths = f"{media('landscape')}\n{media('res_720p')}"
    result = run_step(steps()["Check videos"], context(paths=paths), f"{BIN}:/usr/bin:/bin")
    assert result.returncode == 1
    assert f"::error file={media('res_720p')},title=avatar-preflight resolution::" in result.stdout
    assert "1 passed" in result.stdout


def test_action_passes_with_extra_args(media: Callable[[str], Path], tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "take.mp4").write_bytes(media("moov_end").read_bytes())
    ctx = context(paths=str(folder / "*.mp4"), args="--deep")
    assert run_step(steps()["Check videos"], ctx, f"{BIN}:/usr/bin:/bin").returncode == 0
    strict = context(paths=str(folder / "*.mp4"), args="--strict")
    result = run_step(steps()["Check videos"], strict, f"{BIN}:/usr/bin:/bin")
    assert result.returncode == 1 and "::warning file=" in result.stdout
