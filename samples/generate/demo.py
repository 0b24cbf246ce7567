"""The committed demo files (``samples/demo``) and how they are made; each stays under 900 KB."""

from __future__ import annotations

import dataclasses
import os
import pathlib

from samples.generate.make import generate_styled
from samples.generate.spec import Style, VideoSpec

_DEMO_STYLE = Style(
    motion_frames=8,
    audio_rate=48000,
    audio_bit_rate=16000,
    tone_share=0.08,
    tone_amplitude=0.01,
    opus_frame_ms=120,
)
"""Demo files must stay tiny: the bar moves only at the start of each (10 s) GOP, the tone is a
short beep per second, and Opus uses 120 ms frames."""

DEMO_SAMPLES: dict[str, tuple[VideoSpec, Style]] = {
    "avatar-landscape.mp4": (
        VideoSpec("mp4", "h264", 1920, 1080, 330.0, 25, audio_duration=330.0, gop_seconds=10.0),
        _DEMO_STYLE,
    ),
    "avatar-alpha.webm": (
        VideoSpec("webm", "vp9", 1080, 1920, 320.0, 25, alpha=True, audio_duration=320.0, gop_seconds=10.0),
        dataclasses.replace(_DEMO_STYLE, audio_bit_rate=10000),
    ),
    "phone-720p-short.mp4": (
        VideoSpec("mp4", "h264", 1280, 720, 60.0, 30, rotation=90, gop_seconds=2.0),
        _DEMO_STYLE,
    ),
}
"""File name -> what it holds and the style it is made with."""


def make_demo_samples(out_dir: str | os.PathLike[str]) -> list[pathlib.Path]:
    """Write the demo samples into ``out_dir`` and return their paths."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [generate_styled(spec, out / name, style) for name, (spec, style) in DEMO_SAMPLES.items()]
