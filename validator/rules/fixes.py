"""Fixes people can run: exact ffmpeg commands built from the facts of one file.

Each command is shell-quoted and writes beside the input (``NAME.fixed.EXT``), never over it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePath

from validator.facts import MediaFacts
from validator.profile import Profile

_REMUX_TARGET = {
    "h264": "mp4",
    "hevc": "mp4",
    "av1": "mp4",
    "mpeg4": "mp4",
    "vp8": "webm",
    "vp9": "webm",
    "prores": "mov",
    "qtrle": "mov",
    "png": "mov",
    "dnxhd": "mov",
}


@dataclass(frozen=True)
class Plan:
    """What a conforming re-encode must change."""

    scale: bool = False
    trim: bool = False
    constant_rate: bool = False
    drop_alpha: bool = False


def target_size(facts: MediaFacts, profile: Profile) -> tuple[int, int]:
    """The accepted size matching the video's displayed orientation."""
    video = facts.video
    portrait = bool(
        video and video.display_width and video.display_height and video.display_height > video.display_width
    )
    for width, height in profile.resolutions:
        if (height > width) == portrait:
            return width, height
    return profile.resolutions[0]


def output_path(facts: MediaFacts, ext: str) -> str:
    p = PurePath(facts.path)
    return str(p.with_name(f"{p.stem}.fixed.{ext}"))


def _alpha(facts: MediaFacts, plan: Plan) -> bool:
    return bool(facts.transparent) and not plan.drop_alpha


def encode(facts: MediaFacts, profile: Profile, plan: Plan) -> str:
    """A full re-encode that applies ``plan`` and leaves a file the profile accepts.

    Opaque video becomes H.264 in MP4 with the index first; video with alpha keeps it, as VP9 with
    alpha in WebM when it came as VP8/VP9, else as ProRes 4444 in MOV.
    """
    args = ["ffmpeg", "-i", facts.path]
    filters: list[str] = []
    if plan.scale:
        w, h = target_size(facts, profile)
        pad_colour = ":color=black@0" if _alpha(facts, plan) else ""
        filters.append(
            f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2{pad_colour},setsar=1"
        )
    if plan.constant_rate:
        rate = max(30, round(profile.min_frame_rate))
        filters.append(f"fps={rate}")
    if filters:
        args += ["-vf", ",".join(filters)]
    if plan.trim:
        args += ["-t", _seconds(profile.max_duration)]
    video = facts.video
    codec = video.codec if video else None
    if _alpha(facts, plan) and codec in ("vp8", "vp9"):
        args += ["-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-crf", "30", "-b:v", "0", "-c:a", "libopus"]
        ext = "webm"
    elif _alpha(facts, plan):
        args += ["-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", "yuva444p10le", "-c:a", "pcm_s16le"]
        ext = "mov"
    else:
        args += [
            "-c:v",
            "libx264",
            "-preset",
            "medium",
            "-crf",
            "18",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "192k",
            "-movflags",
            "+faststart",
        ]
        ext = "mp4"
    args.append(output_path(facts, ext))
    return shlex.join(args)


def remux(facts: MediaFacts, profile: Profile) -> str:
    """Copy the streams into an accepted container, when the codec allows it; else re-encode."""
    codec = facts.video.codec if facts.video else None
    ext = _REMUX_TARGET.get(codec or "")
    if ext is None or ext not in profile.containers:
        return encode(facts, profile, Plan())
    args = ["ffmpeg", "-i", facts.path, "-c", "copy"]
    if ext in ("mp4", "mov"):
        args += ["-movflags", "+faststart"]
    args.append(output_path(facts, ext))
    return shlex.join(args)


def faststart(facts: MediaFacts) -> str:
    ext = "mov" if facts.container == "mov" else "mp4"
    return shlex.join(
        ["ffmpeg", "-i", facts.path, "-c", "copy", "-movflags", "+faststart", output_path(facts, ext)]
    )


def add_audio(facts: MediaFacts) -> str:
    ext = facts.container if facts.container in ("mp4", "mov", "webm") else "mp4"
    audio_codec = "libopus" if ext == "webm" else "aac"
    return shlex.join(
        [
            "ffmpeg",
            "-i",
            facts.path,
            "-i",
            "voice.wav",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "copy",
            "-c:a",
            audio_codec,
            "-shortest",
            output_path(facts, ext),
        ]
    )


def rename(facts: MediaFacts, ext: str) -> str:
    p = PurePath(facts.path)
    return shlex.join(["mv", facts.path, str(p.with_suffix(f".{ext}"))])


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"
