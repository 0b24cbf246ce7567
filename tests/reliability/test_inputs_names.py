"""Reports stay well-formed for any file name: every format parses, no raw control character reaches
a terminal, and the fix commands printed for awkward names run as pasted."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from tests.reliability._inputs_media import tiny_video
from validator import check_file
from validator.findings import BatchReport
from validator.formats import Format, render
from validator.formats.escape import visible

HOSTILE = [
    "\x1b[8mhidden FAIL\x1b[0m.mp4",  # SGR 8: what follows is invisible on a terminal
    "back\x08\x08\x08space.mp4",
    "carriage\rreturn.mp4",
    "new\nline.mp4",
    "tab\tand \x7f del.mp4",
    "bidi \u202eevil\u202c.mp4",
    "c1 \x9b31m.mp4",
    os.fsdecode(b"not utf8 \xff\xfe.mp4"),  # held as lone surrogates (surrogateescape)
    "-dash: comma, colon % percent.mp4",
]
NUL = "nul\x00byte.mp4"  # no file can have it: built into a report directly


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> BatchReport:
    folder = tmp_path_factory.mktemp("names")
    source = tiny_video(folder / "plain.mp4")
    reports = []
    for name in HOSTILE:
        path = folder / name
        path.write_bytes(source.read_bytes())
        reports.append(check_file(path))
    reports.append(replace(reports[0], path=NUL))
    return BatchReport(tuple(reports), "ice-avatar-training")


@pytest.fixture(scope="module")
def names(report: BatchReport) -> list[str]:
    """The paths the report is about, each built from a name above."""
    paths = [f.path for f in report.files]
    assert [os.path.basename(p) for p in paths[:-1]] == HOSTILE and paths[-1] == NUL
    return paths


def _no_raw_controls(text: str) -> None:
    for line in text.split("\n"):
        assert line.isprintable(), repr(line)


def test_text_shows_every_name_visibly_escaped(report: BatchReport, names: list[str]) -> None:
    for colour in (False, True):
        out = render(Format.TEXT, report) if not colour else _coloured(report)
        out.encode("utf-8")  # writable to any UTF-8 terminal or file
        plain = (
            out.replace("\x1b[31m", "").replace("\x1b[32m", "").replace("\x1b[33m", "").replace("\x1b[0m", "")
        )
        _no_raw_controls(plain)
        for name, file_report in zip(names, report.files, strict=True):
            assert f"{visible(name)}: FAIL" in plain
            assert file_report.failed()
    assert "\\x1b[8mhidden FAIL\\x1b[0m.mp4" in plain and "not utf8 \\xff\\xfe.mp4" in plain


def _coloured(report: BatchReport) -> str:
    from validator.formats.text import render as text

    return text(report, colour=True)


def test_junit_is_well_formed_xml(report: BatchReport, names: list[str]) -> None:
    out = render(Format.JUNIT, report)
    root = ET.fromstring(out.encode("utf-8"))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == [visible(n) for n in names]
    assert all(c.find("failure") is not None for c in cases)


@pytest.mark.parametrize("fmt", [Format.JSON, Format.SARIF])
def test_json_and_sarif_parse_and_keep_every_name_that_is_text(
    fmt: Format, report: BatchReport, names: list[str]
) -> None:
    out = render(fmt, report)
    doc = json.loads(out.encode("utf-8"))  # valid UTF-8: no lone surrogate made it out
    if fmt is Format.SARIF:
        results = doc["runs"][0]["results"]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        # the URI carries the file's own bytes, percent-encoded: every name comes back exactly
        paths = [os.fsdecode(unquote_to_bytes(u.removeprefix("file://"))) for u in uris]
        assert list(dict.fromkeys(paths)) == names
        return
    for name, entry in zip(names, doc["files"], strict=True):
        # JSON escapes control characters itself; bytes that are not UTF-8 cannot be JSON text
        assert entry["path"] == (
            visible(name) if not os.fsencode(name).isascii() and _not_utf8(name) else name
        )


def _not_utf8(name: str) -> bool:
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in name)


def test_github_annotations_escape_their_own_syntax(report: BatchReport, names: list[str]) -> None:
    out = render(Format.GITHUB, report)
    lines = out.rstrip("\n").split("\n")
    findings = sum(len(f.findings) for f in report.files)
    assert len(lines) == findings + 1  # one line per annotation: no name broke a line
    _no_raw_controls(out)
    files = []
    for line in lines[:-1]:
        assert line.startswith("::")
        props, _, _ = line[2:].partition("::")
        _, _, props = props.partition(" ")
        first, _, _title = props.partition(",title=")
        assert first.startswith("file=") and "," not in first and ":" not in first
        files.append(
            first[5:].replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",")
        )
    decoded = [f.replace("%25", "%") for f in dict.fromkeys(files)]
    assert decoded == [visible(n, keep="\r\n") for n in names]


def test_the_command_line_writes_every_format_for_such_names(report: BatchReport, tmp_path: Path) -> None:
    for name in HOSTILE:
        tiny_video(tmp_path / name, frames=5)
    for fmt in Format:
        result = subprocess.run(
            [sys.executable, "-m", "validator", "check", "-f", fmt.value, str(tmp_path)],
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert result.returncode == 1, (fmt, result.stderr.decode("utf-8", "replace"))
        out = result.stdout.decode("utf-8")
        if fmt in (Format.TEXT, Format.GITHUB):
            _no_raw_controls(out)


# -- fix commands for names a program would misread ----------------------------------------------------


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run_pasted(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a printed command as a person pasting it into bash would, with a real ffmpeg."""
    if command.startswith("ffmpeg "):
        command = shlex.quote(_ffmpeg()) + command[len("ffmpeg") :]
    return subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        encoding="utf-8",
        errors="replace",  # ffmpeg's log repeats a name's bytes as they are
        timeout=60,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "name", ["-take.mp4", "-x:y.mp4", "a:b.mp4", "esc \x1b[8m.mp4", os.fsdecode(b"\xff-.mp4")]
)
def test_fix_commands_run_when_pasted(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tiny_video(tmp_path / name, frames=5)
    report = check_file(name)
    (faststart,) = [f.fix for f in report.findings if f.rule == "moov-at-end"]
    assert faststart is not None
    result = _run_pasted(faststart, tmp_path)
    assert result.returncode == 0, (faststart, result.stderr)
    written = tmp_path / (name[: -len(".mp4")] + ".fixed.mp4")
    assert written.is_file()
    assert not any(f.rule == "moov-at-end" for f in check_file(written.name).findings)


def test_a_rename_runs_when_pasted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tiny_video(tmp_path / "-take.mkv", frames=5)  # MP4 content behind a Matroska name
    (fix,) = [f.fix for f in check_file("-take.mkv").findings if f.rule == "extension-mismatch"]
    assert fix is not None
    result = _run_pasted(fix, tmp_path)
    assert result.returncode == 0, (fix, result.stderr)
    assert (tmp_path / "-take.mp4").is_file() and not (tmp_path / "-take.mkv").exists()


def test_fix_dry_run_prints_a_command_that_runs(tmp_path: Path) -> None:
    tiny_video(tmp_path / "-take.mp4", frames=5)
    (tmp_path / "short.toml").write_text("min-duration = 0.1\n")  # a take fix can conform: scaled up
    argv = ["fix", "--dry-run", "--draft", "--rules", "short.toml", "--", "-take.mp4", "-out.mp4"]
    result = subprocess.run(
        [sys.executable, "-m", "validator", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PATH": os.path.dirname(sys.executable)},  # no ffmpeg on PATH: prints `ffmpeg`
    )
    assert result.returncode == 0, result.stderr
    command = result.stdout.strip().splitlines()[-1]
    assert "./-take.mp4" in command and "./-out.mp4" in command
    ran = _run_pasted(command, tmp_path)
    assert ran.returncode == 0, (command, ran.stderr)
    assert (tmp_path / "-out.mp4").is_file()


def test_every_name_survives_the_shell_quoting_byte_for_byte() -> None:
    from validator.rules.shell import quote

    for name in [*HOSTILE, "it's.mp4", "ünïcødé \u00a0nbsp.mp4", "back\\slash.mp4"]:
        quoted = quote(name)
        assert quoted.isprintable(), quoted  # nothing in it acts on the terminal that shows it
        echoed = subprocess.run(["bash", "-c", f"printf %s {quoted}"], capture_output=True, timeout=10)
        assert echoed.stdout == os.fsencode(name), (name, quoted)
