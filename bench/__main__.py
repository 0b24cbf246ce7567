"""``python -m bench``: measure avatar-preflight against what a user would run instead, in one run.

Prints a table (figure, ours, alternative, ratio, target, met?) and writes it as JSON. Each figure
with an alternative is taken alternately with it, and judged on the median of the pairs' ratios, with
a warm cache. ``--quick`` builds a one-minute corpus and a 10-file batch for a smoke run (CI uses it
to keep the benchmark working; it never asserts a time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from pathlib import Path

from bench import audit, cloudcheck, content, memory, preview, reads, speed
from bench.corpus import Item, build
from bench.harness import Row, render

SECTIONS = (
    "probe", "check", "batch", "memory", "bytes", "deep", "preview", "server", "cloud", "audit", "content",
)
"""Groups of rows ``--only`` selects, in the order they run."""
DEFAULT_SECTIONS = SECTIONS[:-1]
"""``content`` runs only when asked for: its corpus takes many minutes and gigabytes to build."""

_EPILOG = """\
the user-facing targets: `check FILE` as a whole process under 150 ms median and at most 1.5x ffprobe;
200 files in one call at least 10x faster than an ffprobe loop; the in-process probe within 1.3x of a
bare av.open; `check`'s peak memory under 150 MB, measured from a small parent, beside ffprobe's.
Those alone, in a few minutes on a quiet machine: python -m bench --only probe,check,batch,memory

`check --content` (only when asked for: python -m bench --only content): the 15-minute real-like take
in at most 15 s median and at most 0.1x the route a user would script (ffmpeg one frame a second to
images, the same Haar detector, ffmpeg to a 16 kHz WAV, the same webrtcvad); the 5-minute take in at
most 6 s; peak memory under 400 MB; ProRes 4444 and VP9-alpha takes measured too. Its corpus is
encoded once (about 1 GB for 15 minutes, plus 1.8 GB of ProRes) and reused. --content-seconds sets
the long take's length (--quick: 60).

`check` of cloud inputs (--only cloud), against the sandbox on loopback: bytes per object at most 1.2x
the local probe's and at most 12 requests (a fragmented file excepted), as the sandbox counts them;
200 objects of ~35 MB under one prefix in one `check oss://B/P/` call in at most 0.1x the time of
the scripted route (oss2 lists and downloads each object, then `check` of the folder); --quick: 10.
`jobs --audit` (--only audit): 200 jobs sharing a few ~40 MB takes, whole process, in at most 20 s,
beside the scripted route (GetAvatarTrainingJob, GetMediaInfo, oss2 download, local check per job).

ffprobe and ffmpeg come from Debian's ffmpeg package (apt-get update && apt-get install -y ffmpeg);
without them the rows that need them are skipped with a line saying so. pymediainfo (pip install
pymediainfo) adds rows where it is installed.
"""


def install_kind() -> str:
    """``regular`` or ``editable``, as the console script sees it: an editable install adds an import
    hook to every start-up."""
    where = subprocess.run(
        [sys.executable, "-c", "import validator; print(validator.__file__)"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=False,
    ).stdout.strip()
    if not where:
        return "no"
    return "regular" if "site-packages" in Path(where).parts else "editable"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(__doc__ or "").split("\n")[0],
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small corpus and one run: a smoke test")
    parser.add_argument(
        "--runs", type=int, default=7, help="runs (or pairs) per figure, at least (default 7)"
    )
    parser.add_argument(
        "--only", default=",".join(DEFAULT_SECTIONS), help=f"comma-separated, of: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--content-seconds", type=float, default=None,
        help="length of the content corpus's long take (default 900; 60 with --quick)",
    )
    parser.add_argument(
        "--repeat", type=int, default=None,
        help="alternating pairs per content row (default 3; 1 with --quick)",
    )
    parser.add_argument(
        "--content-height", type=int, default=1080,
        help="picture height of the content corpus (default 1080; less only for a smoke run)",
    )
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "avatar-preflight-bench")
    parser.add_argument("--json", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    return args


def _sections(
    corpus: dict[str, list[Item]], runs: int, quick: bool, have_ffprobe: bool, have_ffmpeg: bool,
    content_corpus: tuple[Path, float, int, int],
) -> dict[str, Callable[[], list[Row]]]:
    singles = corpus["single"]
    big = next(i for i in singles if i.kind == "mp4-faststart")
    return {
        "probe": partial(speed.in_process, singles, runs),
        "check": partial(speed.check_process, singles, runs, have_ffprobe),
        "batch": lambda: [speed.batch(corpus["batch"], runs)] if have_ffprobe else [],
        "memory": lambda: [
            *memory.check_rows(singles, have_ffprobe, 1 if quick else memory.RUNS),
            memory.update_row(big),
        ],
        "bytes": partial(reads.bytes_read, singles),
        "deep": partial(speed.deep, singles, runs, have_ffmpeg),
        "preview": partial(preview.sheets, singles, runs, have_ffmpeg, quick),
        "server": partial(reads.server_figures, singles, 1 if quick else 3),
        "cloud": partial(cloudcheck.rows, corpus, quick, 3),
        "audit": partial(audit.rows, content_corpus[0], 1 if quick else 3, quick),
        # the route a user scripts decodes every frame: minutes a pair on 15 minutes of footage
        "content": partial(content.rows, *content_corpus),
    }


def measure(
    only: set[str], corpus: dict[str, list[Item]], runs: int, quick: bool,
    content_corpus: tuple[Path, float, int, int] = (Path(tempfile.gettempdir()), 60.0, 1080, 1),
) -> tuple[list[Row], list[str]]:
    """The rows of the chosen sections, and a line for each row skipped for want of a tool."""
    have_ffprobe, have_ffmpeg = shutil.which("ffprobe") is not None, shutil.which("ffmpeg") is not None
    skipped = []
    if not have_ffprobe:
        skipped.append(
            "ffprobe not found: the 1.5x of `check FILE`, the ffprobe loop and ffprobe's peak memory are "
            "skipped (Debian: apt-get install -y ffmpeg)"
        )
    if not have_ffmpeg and "deep" in only:
        skipped.append("ffmpeg not found: --deep is measured without ffmpeg's figure")
    rows: list[Row] = []
    sections = _sections(corpus, runs, quick, have_ffprobe, have_ffmpeg, content_corpus)
    for name in (n for n in SECTIONS if n in only):
        section = sections[name]
        started = time.perf_counter()
        rows += section()
        # A run takes minutes (more on a loaded machine): say where it is, on stderr.
        print(f"bench: {name} measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return rows, skipped


def _load() -> str:
    try:
        return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load n/a"


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the corpus, measure, print the table and write the JSON."""
    args = _parse(argv)
    runs = 1 if args.quick else args.runs
    started = time.perf_counter()
    corpus = build(args.corpus, quick=args.quick)
    built = time.perf_counter() - started
    os.sync()  # a corpus just written is flushed now, not by the kernel while the figures are taken
    load_before = _load()
    seconds = args.content_seconds or (60.0 if args.quick else 900.0)
    repeat = args.repeat or (1 if args.quick else 3)
    content_corpus = (args.corpus, seconds, args.content_height, repeat)
    rows, skipped = measure(set(args.only.split(",")), corpus, runs, args.quick, content_corpus)
    total = time.perf_counter() - started
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{install_kind()} install"
    )
    print(render(rows))
    for line in skipped:
        print(f"\nskipped: {line}")
    print(
        f"\n{machine}; corpus built in {built:.1f} s; whole run {total:.1f} s; "
        f"{load_before} at the start, {_load()} at the end"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine,
        "quick": args.quick,
        "runs": runs,
        "seconds": total,
        "skipped": skipped,
        "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
    }
    args.json.write_text(json.dumps(document, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
