"""``check --report FILE`` / ``--format html`` and the GitHub job summary: the pages beside the report.

The HTML formatter is pure, so its pictures are gathered here first (decoding frames of every readable
video), then handed to it. Imports no CLI framework; the formatter and Pillow load only when a page
is asked for, so a plain ``check`` does not pay for them.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from avatar_preflight_cli.errors import CannotRun

if TYPE_CHECKING:
    from validator.findings import BatchReport


def page(report: BatchReport, jobs: int | None, opaque_alpha: int) -> str:
    """The HTML report of ``report``, with each readable video's frames."""
    from validator import __version__
    from validator.formats.html import render
    from validator.preview.gallery import galleries

    videos = [f.path for f in report.files if f.facts is not None and f.facts.video is not None]
    videos = [p for p in videos if os.path.lexists(p)]  # a cloud input's frames are not downloaded
    pictures = galleries(videos, jobs=jobs, opaque_alpha=opaque_alpha)
    return render(report, galleries=pictures, version=__version__, generated=datetime.now(timezone.utc))


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; :class:`CannotRun` when that is refused."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CannotRun(f"cannot write {path}: {exc.strerror or exc}") from exc


def job_summary(report: BatchReport) -> None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY`` when GitHub Actions set it.

    A summary that cannot be written costs the run its page, not its verdict: one warning line.
    """
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from validator.formats.summary import render

    try:
        with open(target, "a", encoding="utf-8") as out:
            out.write(render(report))
    except OSError as exc:
        sys.stderr.write(
            f"avatar-preflight: warning: no job summary: cannot write {target}: {exc.strerror or exc}\n"
        )
