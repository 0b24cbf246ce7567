"""Fixtures of the browser tests: one headless Chromium for the whole folder, and one report of a
passing, a failing and a transparent video (plus one with a hostile name), checked once a session."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.html.cdp import Browser, find_browser
from tests.media import CASES
from tests.test_cli import run

BATCH = ("landscape", "res_720p", "vp9_alpha")
"""A passing file, one failing a rule (720p), one whose alpha makes it transparent."""
HOSTILE = "<img src=x onerror=alert(1)> a|b*[c]`d`.mp4"
"""A legal file name that would be markup, a table cell break and emphasis if left unescaped."""


@dataclass(frozen=True)
class Batch:
    page: Path
    """The HTML report ``check --report`` wrote."""
    files: dict[str, Path]
    """Case name (``tests/media.py``) -> the video checked; ``hostile`` is a copy of ``landscape``,
    ``broken`` a few bytes of text named ``.mp4``."""
    exit_code: int


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium on PATH (Debian: apt-get install chromium); the browser tests need one")
    started = Browser(executable)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="session")
def batch(media: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("report")
    files = {name: media(name) for name in BATCH}
    files["hostile"] = folder / HOSTILE
    shutil.copyfile(files["landscape"], files["hostile"])
    files["broken"] = folder / "broken.mp4"
    files["broken"].write_bytes(b"not a video at all")
    page = folder / "report.html"
    result = run("check", "--report", str(page), *map(str, files.values()))
    assert page.exists(), result.stderr
    return Batch(page, files, result.returncode)


def expected_rules(name: str) -> set[str]:
    """The rule ids the generated video ``name`` is built to trigger (``landscape`` for its copy)."""
    if name == "broken":
        return {"file-unreadable"}
    case = CASES["landscape" if name == "hostile" else name]
    return set(case.errors | case.warnings)


def expected_verdict(name: str) -> str:
    if name == "broken":
        return "fail"
    case = CASES["landscape" if name == "hostile" else name]
    return "fail" if case.errors else ("warn" if case.warnings else "pass")
