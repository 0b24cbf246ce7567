"""The README's screenshot of the HTML report: ``python -m samples.screenshot [OUT.png]``.

Checks three of the committed demo takes (``samples/demo/``; with ``--content`` where the checkout
has it) into a report, has headless Chromium (Debian's ``chromium``) photograph its top, and writes
it at three quarters of its size, well under 1 MB.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "report-screenshot.png"
WIDTH, HEIGHT = 1280, 1500
TAKES = (
    "samples/demo/content-demo.mp4",
    "samples/demo/avatar-alpha.webm",
    "samples/demo/phone-720p-short.mp4",
)
"""The take with a real face and speech first (its timeline), then a transparent one and a failing one."""


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    browser = next(
        (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None
    )
    if browser is None:
        sys.stderr.write("samples.screenshot: no Chromium on PATH (Debian: apt-get install chromium)\n")
        return 3
    with tempfile.TemporaryDirectory(prefix="avatar-preflight-shot-") as tmp:
        page, shot = Path(tmp) / "report.html", Path(tmp) / "shot.png"
        # Run from the checkout with a relative folder: the page shows the paths as a user types them.
        # With --content where this checkout has it (the timeline): exit 2 is the usage error without
        # the option, 3 the refusal without its extra; then the plain report.
        base = [sys.executable, "-m", "validator", "check", "--report", str(page), *TAKES]
        done = subprocess.run([*base, "--content"], cwd=HERE.parent, check=False, capture_output=True)
        if done.returncode in (2, 3):
            subprocess.run(base, cwd=HERE.parent, check=False, capture_output=True)
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--proxy-server=http://127.0.0.1:9",
                f"--user-data-dir={tmp}/profile",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        from PIL import Image

        with Image.open(shot) as image:
            small = image.convert("RGB").resize((WIDTH * 3 // 4, HEIGHT * 3 // 4), Image.Resampling.LANCZOS)
            small.save(out, optimize=True)
    sys.stdout.write(f"wrote {out} ({out.stat().st_size} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
