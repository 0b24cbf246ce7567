"""Valid seed files, one per container and alpha case, small enough to mutate thousands of times."""

from __future__ import annotations

from pathlib import Path

from samples.generate import VideoSpec, generate

_SMALL = {"width": 96, "height": 64, "duration": 2.0, "fps": 10, "gop_seconds": 1.0}

SEEDS: dict[str, VideoSpec] = {
    "mp4-faststart.mp4": VideoSpec(container="mp4", codec="h264", audio_duration=2.0, **_SMALL),
    "mp4-moov-end.mp4": VideoSpec(container="mp4", codec="h264", faststart=False, **_SMALL),
    "mp4-fragmented.mp4": VideoSpec(container="mp4", codec="h264", fragmented=True, **_SMALL),
    "mp4-rotated.mp4": VideoSpec(container="mp4", codec="h264", rotation=90, **_SMALL),
    "mov-h264.mov": VideoSpec(container="mov", codec="h264", audio_duration=2.0, **_SMALL),
    "mov-prores-alpha.mov": VideoSpec(container="mov", codec="prores", alpha=True, **_SMALL),
    "mov-png-alpha.mov": VideoSpec(container="mov", codec="png", alpha=True, **_SMALL),
    "mov-qtrle-alpha.mov": VideoSpec(container="mov", codec="qtrle", alpha=True, **_SMALL),
    "webm-vp9-alpha.webm": VideoSpec(container="webm", codec="vp9", alpha=True, audio_duration=2.0, **_SMALL),
    "webm-vp8-alpha.webm": VideoSpec(container="webm", codec="vp8", alpha=True, **_SMALL),
    "webm-live.webm": VideoSpec(container="webm", codec="vp9", alpha=True, live=True, **_SMALL),
    "mkv-ffv1-alpha.mkv": VideoSpec(container="mkv", codec="ffv1", alpha=True, **_SMALL),
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
