"""The command line: ``python -m samples.generate OUT --container mp4 ...``, ``--demo DIR`` or
``--take VARIANT OUT``."""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import time
from collections.abc import Sequence

from samples.generate.codecs import CODECS
from samples.generate.demo import make_demo_samples
from samples.generate.make import generate
from samples.generate.spec import CONTAINERS, VideoSpec

_DESCRIPTION = "Fast generator of long, realistic test videos, with PyAV only (no ``ffmpeg`` executable)."


def _parse_sar(text: str) -> tuple[int, int]:
    num, _sep, den = text.replace("/", ":").partition(":")
    return int(num), int(den or 1)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m samples.generate", description=_DESCRIPTION)
    p.add_argument("out", nargs="?", help="output file (its extension is not used)")
    p.add_argument("--container", choices=sorted(CONTAINERS))
    p.add_argument("--codec", choices=CODECS, default="h264")
    p.add_argument("--width", type=int, default=1920)
    p.add_argument("--height", type=int, default=1080)
    p.add_argument("--duration", type=float, default=360.0, help="seconds of video")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--alpha", action="store_true")
    p.add_argument("--alpha-opaque", action="store_true")
    p.add_argument(
        "--audio", type=float, default=None, metavar="SECONDS", help="add an audio track this long"
    )
    p.add_argument("--rotation", type=int, default=0, choices=(0, 90, 180, 270))
    p.add_argument(
        "--no-faststart",
        dest="faststart",
        action="store_false",
        help="MP4/MOV: leave the moov after the mdat",
    )
    p.add_argument("--fragmented", action="store_true")
    p.add_argument("--live", action="store_true")
    p.add_argument("--sar", type=_parse_sar, default=None, metavar="NUM:DEN")
    p.add_argument("--variable-fps", action="store_true")
    p.add_argument("--gop-seconds", type=float, default=2.0)
    p.add_argument("--profile", default=None, help="ProRes profile (default 4444 with alpha, hq)")
    p.add_argument("--demo", metavar="DIR", help="write the demo samples into DIR instead")
    p.add_argument(
        "--take",
        metavar="VARIANT",
        help="write the content take VARIANT (samples.generate.content.VARIANTS) to OUT",
    )
    return p


def _take(name: str, out: str) -> int:
    """Write one content take (imports numpy and reads scikit-image's photograph: only when asked)."""
    from samples.generate.content import VARIANTS, make_take

    if name not in VARIANTS:
        _parser().error(f"--take: one of {', '.join(VARIANTS)}")
    start = time.perf_counter()
    path = make_take(pathlib.Path(out), VARIANTS[name])
    print(
        f"{path}  {path.stat().st_size:,} bytes  {time.perf_counter() - start:.2f} s  "
        f"({VARIANTS[name].notes})"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.demo:
        for path in make_demo_samples(args.demo):
            print(f"{path}  {path.stat().st_size:,} bytes")
        return 0
    if args.take and args.out:
        return _take(args.take, args.out)
    if not args.out or not args.container:
        _parser().error("OUT and --container are required (or use --demo DIR, or --take VARIANT OUT)")
    spec = VideoSpec(
        container=args.container,
        codec=args.codec,
        width=args.width,
        height=args.height,
        duration=args.duration,
        fps=args.fps,
        alpha=args.alpha,
        alpha_opaque=args.alpha_opaque,
        audio_duration=args.audio,
        rotation=args.rotation,
        faststart=args.faststart,
        fragmented=args.fragmented,
        live=args.live,
        sar=args.sar,
        variable_fps=args.variable_fps,
        gop_seconds=args.gop_seconds,
        profile=args.profile,
    )
    start = time.perf_counter()
    path = generate(spec, args.out)
    took = time.perf_counter() - start
    print(
        f"{path}  {path.stat().st_size:,} bytes  {took:.2f} s  "
        f"({spec.frame_count} frames, {dataclasses.asdict(spec)})"
    )
    return 0
