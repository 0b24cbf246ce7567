"""Fixes people can run: exact ffmpeg runs built from the facts of one file.

Each run is a :class:`~validator.rules.recipe.Recipe`: ``check`` prints it as a shell command that
writes beside the input (``NAME.fixed.EXT``, never over it), ``fix`` runs the very same recipe.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from validator.facts import MediaFacts
from validator.profile import Profile
from validator.rules.recipe import Filter, Recipe
from validator.rules.shell import file_arg, join

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
"""The container a video codec can be copied into when the file's own container is not accepted."""
_VIDEO_FITS = {
    "mp4": frozenset({"h264", "hevc", "av1", "mpeg4"}),
    "mov": frozenset({"h264", "hevc", "mpeg4", "prores", "qtrle", "png", "dnxhd"}),
    "webm": frozenset({"vp8", "vp9", "av1"}),
}
"""Video codecs each target container takes as they are (stream copy)."""
_AUDIO_FITS = {
    "mp4": frozenset({"aac", "mp3", "alac", "opus", "flac", "ac3", "eac3"}),
    "mov": frozenset({"aac", "mp3", "alac", "pcm_s16le", "pcm_s24le", "pcm_s16be", "pcm_s24be"}),
    "webm": frozenset({"opus", "vorbis"}),
}
"""Audio codecs each target container takes as they are."""
_LIBVPX = {"vp8": "libvpx", "vp9": "libvpx-vp9"}
EXTENSIONS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".qt": "mov", ".webm": "webm"}
"""Output extensions ``fix`` understands, and the container each one asks for."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What a conforming run must change, and how."""

    scale: bool = False
    """Bring the displayed picture to an accepted size with square pixels and no rotation metadata."""
    trim: bool = False
    """Cut the video to the profile's longest accepted duration."""
    constant_rate: bool = False
    """Make the frame rate constant."""
    drop_alpha: bool = False
    """Encode without the alpha channel."""
    crop: bool = False
    """With ``scale``: fill the frame and crop the overflow instead of padding (letterboxing)."""
    draft: bool = False
    """Use the fastest encoder settings (for previews and tests), at a cost in size and quality."""

    @property
    def reencodes(self) -> bool:
        """Whether the plan can only be carried out by re-encoding the video."""
        return self.scale or self.constant_rate or self.drop_alpha


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


def container_of(target: str) -> str | None:
    """The container an output path asks for by its extension; ``None`` if it is not one ``fix`` writes."""
    return EXTENSIONS.get(PurePath(target).suffix.lower())


def keeps_alpha(facts: MediaFacts, plan: Plan) -> bool:
    return bool(facts.transparent) and not plan.drop_alpha


def default_container(facts: MediaFacts, plan: Plan) -> str:
    """Where a re-encode goes unless told: alpha from VP8/VP9 to WebM, other alpha to MOV, else MP4."""
    codec = facts.video.codec if facts.video else None
    if keeps_alpha(facts, plan):
        return "webm" if codec in ("vp8", "vp9") else "mov"
    return "mp4"


def video_filters(facts: MediaFacts, profile: Profile, plan: Plan) -> tuple[Filter, ...]:
    """The filter chain ``plan`` needs. FFmpeg rotates the picture upright before it runs."""
    filters: list[Filter] = []
    if plan.scale:
        w, h = (str(n) for n in target_size(facts, profile))
        sar = facts.video.sample_aspect_ratio if facts.video else None
        if sar is not None and sar != 1:
            # Square the pixels first, so fitting keeps the displayed shape instead of squashing it.
            filters.append(Filter("scale", ("trunc(iw*sar/2)*2", "ih")))
        if plan.crop:
            filters.append(Filter("scale", (w, h), (("force_original_aspect_ratio", "increase"),)))
            filters.append(Filter("crop", (w, h)))
        else:
            filters.append(Filter("scale", (w, h), (("force_original_aspect_ratio", "decrease"),)))
            colour = (("color", "black@0"),) if keeps_alpha(facts, plan) else ()
            filters.append(Filter("pad", (w, h, "(ow-iw)/2", "(oh-ih)/2"), colour))
        filters.append(Filter("setsar", ("1",)))
    if plan.constant_rate:
        filters.append(Filter("fps", (str(max(30, round(profile.min_frame_rate))),)))
    return tuple(filters)


def codec_options(container: str, alpha: bool, draft: bool = False) -> tuple[tuple[str, str], ...]:
    """Encoder settings for ``container``: the one place that decides codecs for every fix.

    Opaque video becomes H.264 (VP9 in WebM); alpha is kept as VP9 with alpha in WebM or as
    ProRes 4444 in MOV. MP4 has no codec here that carries alpha: callers drop it or choose MOV/WebM.
    """
    if container == "webm":
        speed = (("deadline", "realtime"), ("cpu-used", "8")) if draft else ()
        pix_fmt = "yuva420p" if alpha else "yuv420p"
        codec = (("c:v", "libvpx-vp9"), ("pix_fmt", pix_fmt), ("crf", "30"), ("b:v", "0"))
        return (*codec, *speed, ("c:a", "libopus"))
    if container == "mov" and alpha:
        return (
            ("c:v", "prores_ks"),
            ("profile:v", "4444"),
            ("pix_fmt", "yuva444p10le"),
            ("c:a", "pcm_s16le"),
            ("movflags", "+faststart"),
        )
    return (
        ("c:v", "libx264"),
        ("preset", "ultrafast" if draft else "medium"),
        ("crf", "18"),
        ("pix_fmt", "yuv420p"),
        ("c:a", "aac"),
        ("b:a", "192k"),
        ("movflags", "+faststart"),
    )


def encode_recipe(facts: MediaFacts, profile: Profile, plan: Plan, target: str | None = None) -> Recipe:
    """A full re-encode that applies ``plan`` and leaves a file the profile accepts."""
    container = (container_of(target) if target else None) or default_container(facts, plan)
    return Recipe(
        facts.path,
        target or output_path(facts, container),
        video_filters(facts, profile, plan),
        codec_options(container, keeps_alpha(facts, plan), plan.draft),
        profile.max_duration if plan.trim else None,
        _alpha_decoder(facts, plan),
    )


def _alpha_decoder(facts: MediaFacts, plan: Plan) -> tuple[tuple[str, str], ...]:
    """FFmpeg's native VP8/VP9 decoders drop the alpha layer: read such input with libvpx."""
    codec = facts.video.codec if facts.video else None
    decoder = _LIBVPX.get(codec or "")
    alpha_mode = any(p.name == "matroska_alpha_mode" and p.has_alpha for p in facts.alpha.pieces)
    if decoder is None or not alpha_mode or not keeps_alpha(facts, plan):
        return ()
    return (("c:v", decoder),)


def remux_recipe(
    facts: MediaFacts, profile: Profile, plan: Plan | None = None, target: str | None = None
) -> Recipe:
    """Copy the streams into an accepted container when the codec allows it; else re-encode.

    Audio the container cannot hold is re-encoded on its own; ``plan.trim`` cuts without re-encoding.
    """
    plan = plan or Plan()
    codec = facts.video.codec if facts.video else None
    container = (container_of(target) if target else None) or _REMUX_TARGET.get(codec or "")
    if (
        container is None
        or container not in profile.containers
        or codec not in _VIDEO_FITS.get(container, ())
        or plan.reencodes
    ):
        return encode_recipe(facts, profile, plan, target)
    misfits = [a for a in facts.audio if a.codec not in _AUDIO_FITS[container]]
    if misfits:
        audio_codec = "libopus" if container == "webm" else "aac"
        options: tuple[tuple[str, str], ...] = (("c:v", "copy"), ("c:a", audio_codec))
    else:
        options = (("c", "copy"),)
    if container in ("mp4", "mov"):
        options += (("movflags", "+faststart"),)
    duration = profile.max_duration if plan.trim else None
    return Recipe(facts.path, target or output_path(facts, container), (), options, duration)


def encode(facts: MediaFacts, profile: Profile, plan: Plan) -> str:
    """:func:`encode_recipe` as the shell command ``check`` prints."""
    return encode_recipe(facts, profile, plan).command()


def remux(facts: MediaFacts, profile: Profile, plan: Plan | None = None) -> str:
    """:func:`remux_recipe` as the shell command ``check`` prints."""
    return remux_recipe(facts, profile, plan).command()


def faststart(facts: MediaFacts) -> str:
    ext = "mov" if facts.container == "mov" else "mp4"
    options = (("c", "copy"), ("movflags", "+faststart"))
    return Recipe(facts.path, output_path(facts, ext), (), options).command()


def add_audio(facts: MediaFacts) -> str:
    ext = facts.container if facts.container in ("mp4", "mov", "webm") else "mp4"
    audio_codec = "libopus" if ext == "webm" else "aac"
    return join(
        [
            "ffmpeg",
            "-i",
            file_arg(facts.path),
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
            file_arg(output_path(facts, ext)),
        ]
    )


def rename(facts: MediaFacts, ext: str) -> str:
    p = PurePath(facts.path)
    return join(["mv", file_arg(facts.path), file_arg(str(p.with_suffix(f".{ext}")))])
