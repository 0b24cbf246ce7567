"""Valid seed files, one per container and alpha case, small enough to mutate thousands of times."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from samples.generate import VideoSpec, generate

_SMALL = VideoSpec("mp4", "h264", width=96, height=64, duration=2.0, fps=10, gop_seconds=1.0)

SEEDS: dict[str, VideoSpec] = {
    "mp4-faststart.mp4": replace(_SMALL, audio_duration=2.0),
    "mp4-moov-end.mp4": replace(_SMALL, faststart=False),
    "mp4-fragmented.mp4": replace(_SMALL, fragmented=True),
    "mp4-rotated.mp4": replace(_SMALL, rotation=90),
    "mov-h264.mov": replace(_SMALL, container="mov", audio_duration=2.0),
    "mov-prores-alpha.mov": replace(_SMALL, container="mov", codec="prores", alpha=True),
    "mov-png-alpha.mov": replace(_SMALL, container="mov", codec="png", alpha=True),
    "mov-qtrle-alpha.mov": replace(_SMALL, container="mov", codec="qtrle", alpha=True),
    "webm-vp9-alpha.webm": replace(_SMALL, container="webm", codec="vp9", alpha=True, audio_duration=2.0),
    "webm-vp8-alpha.webm": replace(_SMALL, container="webm", codec="vp8", alpha=True),
    "webm-live.webm": replace(_SMALL, container="webm", codec="vp9", alpha=True, live=True),
    "mkv-ffv1-alpha.mkv": replace(_SMALL, container="mkv", codec="ffv1", alpha=True),
}


def make_seeds(folder: Path) -> dict[str, bytes]:
    """Generate every seed into ``folder`` and return their bytes by name."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, bytes] = {}
    for name, spec in SEEDS.items():
        path = folder / name
        generate(spec, path)
        out[name] = path.read_bytes()
    return out
