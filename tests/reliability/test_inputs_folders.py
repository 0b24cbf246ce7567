"""A folder never passes because a video was skipped: every entry with a video's extension is
reported, whatever it is, and videos in containers ICE does not take fail ``container-format``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability._inputs_media import tiny_video
from validator.discover import expand

FOREIGN = {
    # extension: the muxer that writes what a file of that name holds
    ".avi": "avi",
    ".mts": "mpegts",
    ".m2ts": "mpegts",
    ".ts": "mpegts",
    ".mxf": "mxf",
    ".flv": "flv",
    ".wmv": "asf",
    ".mpg": "mpeg",
    ".mkv": "matroska",
}


def check_json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "validator", "check", "-f", "json", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    return result.returncode, json.loads(result.stdout)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_video(tmp_path_factory.mktemp("folders") / "take-1.mp4")


def _folder_with(tmp_path: Path, good: Path, make_odd: str) -> Path:
    folder = tmp_path / "takes"
    folder.mkdir()
    (folder / "take-1.mp4").write_bytes(good.read_bytes())
    odd = folder / "sub" / "take-2.mp4"
    odd.parent.mkdir()
    if make_odd == "dangling symlink":
        odd.symlink_to(folder / "annex" / "objects" / "missing")
    elif make_odd == "fifo":
        os.mkfifo(odd)
    else:
        raise AssertionError(make_odd)
    return folder


@pytest.mark.parametrize("odd", ["dangling symlink", "fifo"])
def test_an_entry_that_is_not_a_readable_file_fails_the_folder(odd: str, good: Path, tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, good, odd)
    code, doc = check_json(str(folder))
    by_path = {f["path"]: f for f in doc["files"]}
    assert sorted(by_path) == [str(folder / "sub" / "take-2.mp4"), str(folder / "take-1.mp4")]
    missing = by_path[str(folder / "sub" / "take-2.mp4")]
    assert missing["verdict"] == "fail" and [f["rule"] for f in missing["findings"]] == ["file-unreadable"]
    assert code == 1


def test_a_fifo_is_never_opened_for_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "take-2.ts"  # the one extension whose content the scan looks at
    os.mkfifo(fifo)
    assert expand([str(tmp_path)]).files == (str(fifo),)  # returns at all: nothing waited for a writer


def test_a_sub_folder_that_cannot_be_listed_is_reported(good: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root lists every folder")
    (tmp_path / "take-1.mp4").write_bytes(good.read_bytes())
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert expand([str(tmp_path)]).files == (str(tmp_path / "locked"), str(tmp_path / "take-1.mp4"))
    finally:
        locked.chmod(0o755)


def test_typescript_sources_are_not_videos(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text("import { x } from './x';\n")
    (tmp_path / "take.mp4").write_bytes(b"")
    assert expand([str(tmp_path)]).files == (str(tmp_path / "take.mp4"),)


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("foreign")
    for ext, muxer in FOREIGN.items():
        tiny_video(folder / f"clip{ext}", muxer)
    return folder


def test_containers_ice_does_not_take_are_checked_and_fail(foreign: Path) -> None:
    code, doc = check_json(str(foreign))
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert sorted(by_name) == sorted(f"clip{ext}" for ext in FOREIGN)
    for name, entry in by_name.items():
        rules = {f["rule"] for f in entry["findings"]}
        assert "container-format" in rules, (name, rules)
        # the extension says what the content is: only the container is wrong
        assert "extension-mismatch" not in rules, (name, entry["findings"])
        (finding,) = [f for f in entry["findings"] if f["rule"] == "container-format"]
        assert "," not in finding["message"].split(", not ")[0], finding["message"]
    assert code == 1


def test_a_glob_keeps_a_dangling_symlink(good: Path, tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(good.read_bytes())
    (tmp_path / "b.mp4").symlink_to(tmp_path / "gone.mp4")
    assert expand([str(tmp_path / "*.mp4")]).files == (str(tmp_path / "a.mp4"), str(tmp_path / "b.mp4"))


def test_a_git_annex_checkout_reports_the_links_not_the_objects(good: Path, tmp_path: Path) -> None:
    key = "SHA256E-s2283--0123abcd.mp4"
    present = tmp_path / ".git" / "annex" / "objects" / "Ab" / "Cd" / key / key
    present.parent.mkdir(parents=True)
    present.write_bytes(good.read_bytes())
    (tmp_path / "take-1.mp4").symlink_to(present)
    (tmp_path / "take-2.mp4").symlink_to(tmp_path / ".git" / "annex" / "objects" / "Ef" / "Gh" / key / key)
    assert expand([str(tmp_path)]).files == (str(tmp_path / "take-1.mp4"), str(tmp_path / "take-2.mp4"))


def test_a_damaged_transport_stream_is_still_a_video(tmp_path: Path) -> None:
    tiny_video(tmp_path / "whole.ts", "mpegts")
    (tmp_path / "cut.ts").write_bytes((tmp_path / "whole.ts").read_bytes()[100:3000])  # no sync byte first
    (tmp_path / "empty.ts").write_bytes(b"")
    (tmp_path / "app.ts").write_text("export const ünïcode = 'x';\n")
    names = [Path(p).name for p in expand([str(tmp_path)]).files]
    assert names == ["cut.ts", "empty.ts", "whole.ts"]
