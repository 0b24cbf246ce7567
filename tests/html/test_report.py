"""The HTML report without a browser: to stdout, unwritable, small for a batch, absent from a plain check."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tests.test_cli import run
from validator import check_file
from validator.findings import BatchReport
from validator.formats import Format, render
from validator.formats.html import render as render_html
from validator.preview.gallery import gallery


def test_format_html_writes_the_page_to_stdout(media: Callable[[str], Path]) -> None:
    result = run("check", "--format", "html", str(media("vp9_alpha")))
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('<img src="data:image/jpeg;base64,') == 6  # the frames came along
    assert "transparent</span>" in page


def test_every_format_renders_html_through_the_registry(media: Callable[[str], Path]) -> None:
    report = BatchReport((check_file(media("landscape")),), "ice-avatar-training")
    page = render(Format.HTML, report)
    assert "landscape.mp4" in page and "<img" not in page  # the registry's page has no pictures: pure


def test_an_unwritable_report_is_one_line_and_exit_3(media: Callable[[str], Path], tmp_path: Path) -> None:
    result = run("check", "--report", str(tmp_path / "missing" / "r.html"), str(media("landscape")))
    assert result.returncode == 3
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_fifty_files_stay_under_three_megabytes(media: Callable[[str], Path]) -> None:
    """A batch of 50 files, each with its six frames: the page stays small enough to attach anywhere."""
    path = str(media("vp9_alpha"))
    report, pictures = check_file(path), gallery(path)
    assert len(pictures.thumbs) == 6
    files = tuple(replace(report, path=f"take-{i:02d}.webm") for i in range(50))
    page = render_html(BatchReport(files, "ice-avatar-training"), galleries={f.path: pictures for f in files})
    assert page.count('<section class="card') == 50
    assert len(page.encode()) < 3_000_000


def test_a_plain_check_loads_neither_jinja2_nor_pillow(media: Callable[[str], Path]) -> None:
    code = (
        "import sys, cli\n"
        "try:\n    cli.main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'PIL', 'markupsafe') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(media("landscape"))], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
