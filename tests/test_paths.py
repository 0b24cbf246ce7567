"""Awkward paths and files that are not videos at all get a clear message and the right exit code."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from validator import check_file, check_files
from validator.probe.reader import Limits


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "validator", *args], capture_output=True, text=True, timeout=120
    )


def one_line_finding(path: Path) -> tuple[str, str]:
    report = check_file(path)
    assert len(report.errors) == 1
    return report.errors[0].rule, report.errors[0].message


@pytest.mark.parametrize("name", ["with space.mp4", "ünïcødé-视频.mp4", "-leading-dash.mp4"])
def test_odd_names_are_checked_like_any_other(
    name: str, media: Callable[[str], Path], tmp_path: Path
) -> None:
    (tmp_path / name).write_bytes(media("landscape").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "validator", "check", "-f", "json", "--", name],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout)["files"][0]
    assert entry["path"] == name and entry["verdict"] == "pass"


def test_symlink_is_followed_and_a_dangling_one_reported(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    link = tmp_path / "link.mp4"
    link.symlink_to(media("landscape"))
    assert not check_file(link).failed()
    dangling = tmp_path / "dangling.mp4"
    dangling.symlink_to(tmp_path / "nowhere.mp4")
    rule, message = one_line_finding(dangling)
    assert rule == "file-unreadable" and "No such file" in message


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    rule, message = one_line_finding(fifo)  # would hang forever if opened for reading normally
    assert rule == "file-unreadable" and "pipe" in message


def test_directory_named_like_a_video_is_searched_not_opened(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    folder = tmp_path / "take.mp4"
    folder.mkdir()
    (folder / "inner.mp4").write_bytes(media("landscape").read_bytes())
    result = run("check", "-f", "json", str(folder))
    assert result.returncode == 0
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["inner.mp4"]
    assert check_file(folder).errors[0].rule == "file-unreadable"  # the library, given it as a file


def test_unreadable_permissions(media: Callable[[str], Path]) -> None:
    """Root reads every file, so as root (CI is) the check runs with the effective uid of ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="avatar-perm-"))
    try:
        folder.chmod(0o755)
        locked, fine = folder / "locked.mp4", folder / "fine.mp4"
        for path in (locked, fine):
            path.write_bytes(media("landscape").read_bytes())
            path.chmod(0o644)
        locked.chmod(0)
        with _unprivileged():
            batch = check_files([str(locked), str(fine)], jobs=1)
        assert [f.verdict.value for f in batch.files] == ["fail", "pass"]  # the batch goes on
        finding = batch.files[0].errors[0]
        assert finding.rule == "file-unreadable" and "Permission denied" in finding.message
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    if os.geteuid() != 0:
        yield
        return
    import pwd

    nobody = pwd.getpwnam("nobody")
    os.setegid(nobody.pw_gid)
    os.seteuid(nobody.pw_uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_time_limit_is_reported_and_the_batch_goes_on(media: Callable[[str], Path]) -> None:
    report = check_file(media("landscape"), limits=Limits(seconds=0.0))
    assert [f.rule for f in report.errors] == ["probe-limit"]
    assert "time limit" in report.errors[0].message


def test_size_guard_is_reported(media: Callable[[str], Path]) -> None:
    report = check_file(media("prores_alpha"), limits=Limits(max_bytes=1))
    assert [f.rule for f in report.errors] == ["probe-limit"]
    assert "MiB" in report.errors[0].message


def test_deep_obeys_the_limit(media: Callable[[str], Path]) -> None:
    path = media("vp9_alpha")
    headers = check_file(path).facts
    decoded = check_file(path, deep=True).facts
    assert headers is not None and decoded is not None
    assert decoded.bytes_read > headers.bytes_read  # decoding frames reads beyond the headers...
    between = (headers.bytes_read + decoded.bytes_read) // 2
    report = check_file(path, deep=True, limits=Limits(max_bytes=between))
    assert [f.rule for f in report.errors] == ["probe-limit"]  # ...and stops at the guard
