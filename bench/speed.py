"""The speed figures a user feels, each beside what they would run instead, alternating.

- ``check FILE``, the whole process as a user starts it: under 150 ms median, and at most 1.5x
  ``ffprobe`` on the same file;
- 200 files in one ``check`` call: at least 10x faster than an ffprobe loop over the same files;
- in-process ``check_file`` (probe and rules): within 1.3x of a bare ``av.open`` of the same file;
- ``--deep``'s 8 frames: under 0.3 s and no slower than ffmpeg decoding the same frames to RGBA.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.corpus import Item
from bench.harness import CLI, Row, ffprobe_cmd, median_seconds, paired, pairs_note, quiet

CHECK_MS = 150.0
CHECK_VS_FFPROBE = 1.5
BATCH_SPEEDUP = 10.0
PROBE_VS_AV_OPEN = 1.3


def _bare_open(path: Path) -> None:
    import av

    with av.open(str(path)) as c:
        _ = [s.codec_context.pix_fmt for s in c.streams.video]


def in_process(items: list[Item], runs: int) -> list[Row]:
    """``check_file`` against a bare ``av.open`` (and pymediainfo, where it is installed)."""
    from validator import check_file

    try:
        from pymediainfo import MediaInfo
    except ImportError:
        MediaInfo = None
    # Milliseconds each: 25 alternations scatter by 0.04x. Against av.open, where the smallest files sit
    # near the bar, 301 (a second of a 1.5 ms open): a passing disturbance moves the median less.
    pairs, mi_pairs = (1, 1) if runs == 1 else (max(runs, 301), max(runs, 101))
    rows = []
    for item in items:
        ours: Callable[[], object] = partial(check_file, item.path)
        got = paired(ours, partial(_bare_open, item.path), pairs)
        rows.append(
            Row(
                f"in-process probe (check_file) vs bare av.open: {item.name}",
                got.ours,
                got.alternative,
                "s",
                f"<= {PROBE_VS_AV_OPEN}x",
                got.ratio <= PROBE_VS_AV_OPEN,
                pairs_note(pairs),
                paired_ratio=got.ratio,
            )
        )
        if MediaInfo is not None:
            got = paired(ours, partial(MediaInfo.parse, str(item.path)), mi_pairs)
            rows.append(
                Row(
                    f"in-process probe (check_file) vs pymediainfo: {item.name}",
                    got.ours,
                    got.alternative,
                    "s",
                    "< 1.0x",
                    got.ratio < 1.0,
                    pairs_note(mi_pairs),
                    paired_ratio=got.ratio,
                )
            )
    return rows


def check_process(items: list[Item], runs: int, have_ffprobe: bool) -> list[Row]:
    """``avatar-preflight check FILE``, whole process, beside ``ffprobe`` on the same file."""
    pairs = runs if runs == 1 else max(runs, 21)  # a tenth of a second each: 21 alternations, not 7
    rows = []
    for item in items:
        here = item.path.parent  # no project configuration to read: the tool's own start-up
        ours = quiet([*CLI, "check", str(item.path)], here)
        if not have_ffprobe:
            alone = median_seconds(ours, pairs)
            target = f"< {CHECK_MS:.0f} ms (ffprobe missing: the {CHECK_VS_FFPROBE}x is not judged)"
            met = alone * 1000 < CHECK_MS
            rows.append(Row(f"check FILE, whole process: {item.name}", alone, None, "s", target, met))
            continue
        got = paired(ours, quiet(ffprobe_cmd(item.path), here), pairs)
        fast, near = got.ours * 1000 < CHECK_MS, got.ratio <= CHECK_VS_FFPROBE
        missed = ", ".join(
            what
            for what, ok in ((f"over {CHECK_MS:.0f} ms", fast), (f"over {CHECK_VS_FFPROBE}x", near))
            if not ok
        )
        rows.append(
            Row(
                f"check FILE, whole process vs ffprobe: {item.name}",
                got.ours,
                got.alternative,
                "s",
                f"< {CHECK_MS:.0f} ms and <= {CHECK_VS_FFPROBE}x",
                fast and near,
                pairs_note(pairs) + (f"; {missed}" if missed else ""),
                paired_ratio=got.ratio,
            )
        )
    return rows


def batch(items: list[Item], runs: int) -> Row:
    """One ``check`` call over a folder of files against a shell loop of ffprobe over the same files."""
    folder = items[0].path.parent
    ours = quiet([*CLI, "check", "--format", "json", str(folder)])
    probe = "ffprobe -v error -show_format -show_streams -of json"
    loop = quiet(["bash", "-c", f'for f in "{folder}"/*.mp4; do {probe} "$f" >/dev/null; done'])
    ours()  # the loop takes seconds: only our side is warmed, and it warms the files for both
    pairs = max(1, runs // 2)
    got = paired(ours, loop, pairs, warm=False)
    speedup = 1 / got.ratio
    return Row(
        f"{len(items)} files in one check call vs an ffprobe loop",
        got.ours,
        got.alternative,
        "s",
        f">= {BATCH_SPEEDUP:.0f}x faster",
        speedup >= BATCH_SPEEDUP,
        f"{speedup:.1f}x faster; {pairs_note(pairs)}",
        paired_ratio=got.ratio,
    )


def _ffmpeg_frames(path: Path, kind: str, duration: float) -> list[str]:
    """ffmpeg seeking to the same 8 points ``--deep`` samples and decoding one frame each to RGBA."""
    cmd = ["ffmpeg", "-v", "error"]
    decoder = ["-c:v", "libvpx-vp9"] if kind == "webm-alpha" else []
    for k in range(8):
        cmd += ["-ss", f"{duration * (k + 0.5) / 8:.3f}", *decoder, "-i", str(path)]
    for k in range(8):
        cmd += ["-map", f"{k}:v:0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-y", "/dev/null"]
    return cmd


def deep(items: list[Item], runs: int, have_ffmpeg: bool) -> list[Row]:
    """``--deep`` in-process (the 300 ms bar is about the decoding) against ffmpeg's whole process."""
    from validator import check_file

    rows = []
    for item in (i for i in items if i.kind in ("webm-alpha", "prores")):
        ours = median_seconds(partial(check_file, item.path, deep=True), runs)
        alt = None
        if have_ffmpeg:
            facts = check_file(item.path).facts
            duration = facts.video.duration if facts and facts.video and facts.video.duration else 60.0
            alt = median_seconds(quiet(_ffmpeg_frames(item.path, item.kind, duration)), runs)
        rows.append(
            Row(
                f"--deep 8 frames (in-process) vs ffmpeg to RGBA: {item.name}",
                ours,
                alt,
                "s",
                "<= 1.0x and < 0.3 s",
                ours < 0.3 and (alt is None or ours <= alt),
            )
        )
    return rows
