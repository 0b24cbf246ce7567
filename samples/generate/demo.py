"""The committed demo files (``samples/demo``) and how they are made; each stays under 900 KB.

``content-demo.mp4`` is a content take (a real face and real speech, :mod:`samples.generate.content`):
making it needs numpy, scikit-image and espeak-ng, imported only when it is made.
"""

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


CONTENT_DEMO = "content-demo.mp4"
"""A 30 s take of one seated speaker: 1920x1080 H.264 25 fps, 10 s GOPs, a 2 s silent lead-in, then
speech with pauses (AAC mono 24 kbit/s). Too short for ICE (5-15 minutes), right in content."""


def make_content_demo(out_dir: pathlib.Path) -> pathlib.Path:
    """Write :data:`CONTENT_DEMO` into ``out_dir`` (about 650 KB; a minute or two to encode)."""
    from samples.generate.content import TakeSpec, make_take

    spec = TakeSpec(
        duration=30.0, fps=25, gop_seconds=10.0, quality=36, preset="medium", audio_bit_rate=24000
    )
    return make_take(out_dir / CONTENT_DEMO, spec)


def make_demo_samples(out_dir: str | os.PathLike[str], content: bool = True) -> list[pathlib.Path]:
    """Write the demo samples into ``out_dir`` (with the content demo unless ``content`` is false)
    and return their paths."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made = [generate_styled(spec, out / name, style) for name, (spec, style) in DEMO_SAMPLES.items()]
    return [*made, make_content_demo(out)] if content else made
