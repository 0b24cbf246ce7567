"""The command line as a pipeline sees it: real processes, exit codes, formats and files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "validator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def test_passing_file_exits_0_with_a_readable_table(media: Callable[[str], Path]) -> None:
    result = run("check", str(media("landscape")))
    assert result.returncode == 0, result.stderr
    assert "PASS" in result.stdout and "Transparent=false" in result.stdout
    assert "1 passed, 0 with warnings, 0 failed" in result.stdout


def test_failing_file_exits_1_and_shows_the_fix(media: Callable[[str], Path]) -> None:
    result = run("check", str(media("res_720p")))
    assert result.returncode == 1
    assert "resolution" in result.stdout and "fix: ffmpeg -i" in result.stdout


def test_warnings_fail_only_with_strict(media: Callable[[str], Path]) -> None:
    path = str(media("moov_end"))
    assert run("check", path).returncode == 0
    assert run("check", "--strict", path).returncode == 1


def test_declared_transparent_mismatch_exits_1(media: Callable[[str], Path]) -> None:
    path = str(media("vp9_alpha"))
    assert run("check", "--transparent", "true", path).returncode == 0
    bad = run("check", "--transparent", "false", path)
    assert bad.returncode == 1 and "transparent-mismatch" in bad.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check").returncode == 2
    assert run("check", "--format", "yaml", "x.mp4").returncode == 2
    no_match = run("check", str(tmp_path / "*.mp4"))
    assert no_match.returncode == 2 and "no files match" in no_match.stderr
    assert "Traceback" not in no_match.stderr


def test_bad_rules_file_exits_3_with_one_line(tmp_path: Path, media: Callable[[str], Path]) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text("max_duration = 'x'\n")
    result = run("check", "--rules", str(bad), str(media("landscape")))
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "max_duration" in result.stderr


@pytest.mark.parametrize("command", ["check", "fix"])
def test_profile_still_names_the_rules_file_with_one_warning(
    command: str, tmp_path: Path, media: Callable[[str], Path]
) -> None:
    rules = tmp_path / "short.toml"
    rules.write_text("min_duration = 600\n")  # the 5:30 sample is now too short
    args = ["--profile", str(rules), str(media("landscape"))]
    result = run(command, *args, *([str(tmp_path / "out.mp4"), "--dry-run"] if command == "fix" else []))
    assert result.returncode == 1
    warning, *rest = result.stderr.splitlines()
    assert "--profile" in warning and "deprecated" in warning and "use --rules" in warning
    assert not any("deprecated" in line for line in rest)
    assert "--profile" not in run(command, "--help").stdout  # hidden


def test_help_reads_like_a_command_line() -> None:
    shown = run("check", "--help").stdout
    assert "Usage: avatar-preflight check [OPTIONS] PATH..." in shown
    assert "{" not in shown and "<list[str]>" not in shown
    assert "Usage: avatar-preflight fix [OPTIONS] INPUT OUTPUT" in run("fix", "--help").stdout


def test_a_bad_choice_is_one_clean_usage_line(media: Callable[[str], Path]) -> None:
    result = run("check", "--transparent", "yes", str(media("landscape")))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--transparent': 'yes' is not one of 'auto', 'true', 'false'."
    )


def test_folder_and_glob_inputs_with_one_bad_file(media: Callable[[str], Path], tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.mp4").write_bytes(media("landscape").read_bytes())
    (folder / "sub" / "b.webm").write_bytes(media("vp9_alpha").read_bytes())
    (folder / "sub" / "broken.mov").write_bytes(b"\0" * 100)
    (folder / "notes.txt").write_text("not a video")
    result = run("check", "--format", "json", "--jobs", "2", str(folder))
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    verdicts = {Path(f["path"]).name: f["verdict"] for f in doc["files"]}
    assert verdicts == {"a.mp4": "pass", "b.webm": "pass", "broken.mov": "fail"}
    globbed = run("check", "--format", "json", str(folder / "**" / "*.webm"))
    assert [Path(f["path"]).name for f in json.loads(globbed.stdout)["files"]] == ["b.webm"]


def test_json_output_to_file(media: Callable[[str], Path], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("check", "-f", "json", "-o", str(out), str(media("vp9_alpha")))
    assert result.returncode == 0 and result.stdout == ""
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 2 and doc["passed"] is True
    entry = doc["files"][0]
    assert entry["transparent"] is True
    assert entry["facts"]["video"]["codec"] == "vp9"
    assert entry["facts"]["alpha"]["pieces"][-1]["name"] == "matroska_alpha_mode"


def test_junit_makes_each_file_a_test_case(media: Callable[[str], Path]) -> None:
    result = run("check", "-f", "junit", str(media("landscape")), str(media("dur_299_9")))
    root = ET.fromstring(result.stdout)
    cases = root.findall(".//testcase")
    assert len(cases) == 2 and root.get("failures") == "1"
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("type") == "duration-range"


def test_github_format_is_the_default_under_actions(media: Callable[[str], Path]) -> None:
    result = run("check", str(media("res_720p")), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=")
    assert "title=avatar-preflight resolution::" in result.stdout


def test_deep_flag_reports_the_transparent_share(media: Callable[[str], Path]) -> None:
    result = run("check", "--deep", str(media("vp9_alpha")))
    assert result.returncode == 0
    assert "frames decoded" in result.stdout and "transparent pixels" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("avatar-preflight ")


@pytest.mark.parametrize("module", ["oss2", "alibabacloud_ice20201109", "alibabacloud_tea_openapi"])
def test_check_does_not_import_cloud_sdks(module: str, media: Callable[[str], Path]) -> None:
    code = (
        "import sys, cli\n"
        "try:\n    cli.app(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        f"print({module!r} in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(media("landscape"))], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr
