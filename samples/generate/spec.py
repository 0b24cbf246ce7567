"""What to generate: the public :class:`VideoSpec`, the private style knobs, and their validation."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from samples.generate.codecs import CODEC_TABLE, CODECS, prores_profile

CONTAINERS: dict[str, str] = {"mp4": "mp4", "mov": "mov", "webm": "webm", "mkv": "matroska"}
"""Container name of a :class:`VideoSpec` -> FFmpeg muxer. The file extension is never consulted."""

VFR_PERIOD = 6
"""With ``variable_fps``, the last slot of every 6 has no frame of its own."""


@dataclass(frozen=True, slots=True)
class VideoSpec:
    """What to generate. Every field has the meaning described in ``samples/README.md``."""

    container: str
    """``mp4``, ``mov``, ``webm`` or ``mkv``: chooses the muxer (never the file extension)."""
    codec: str = "h264"
    """``h264``, ``hevc``, ``vp8``, ``vp9``, ``prores``, ``png``, ``qtrle`` or ``ffv1``."""
    width: int = 1920
    height: int = 1080
    duration: float = 360.0
    """Seconds of video; the frame count is ``round(duration * fps)``."""
    fps: int = 25
    """Nominal (constant) frame rate."""
    alpha: bool = False
    """Encode an alpha channel: an opaque centred subject on a fully transparent background."""
    alpha_opaque: bool = False
    """With ``alpha``: the alpha channel exists but every pixel is fully opaque."""
    audio_duration: float | None = None
    """``None``: no audio track; else seconds of audio (AAC; Opus in WebM). May exceed the video."""
    rotation: int = 0
    """0/90/180/270: clockwise display rotation written in the video ``tkhd`` matrix (MP4/MOV)."""
    faststart: bool = True
    """MP4/MOV: ``moov`` before ``mdat`` (True) or after it (False, the muxer's default)."""
    fragmented: bool = False
    """MP4/MOV: fragmented (``frag_keyframe+empty_moov+default_base_moof``)."""
    live: bool = False
    """WebM/MKV: written as a live stream (no Duration, no DURATION tags, no Cues)."""
    sar: tuple[int, int] | None = None
    """Non-square sample aspect ratio written into the stream (and the H.264/HEVC VUI)."""
    variable_fps: bool = False
    """Irregular timestamps: every 6th frame slot is skipped (the previous frame lasts two ticks),
    so the average rate is 5/6 of the nominal ``fps`` while the duration stays ``duration``."""
    gop_seconds: float = 2.0
    """Keyframe interval of the repeated GOP."""
    profile: str | None = None
    """ProRes profile for ``prores_ks`` (``proxy``, ``lt``, ``standard``, ``hq``, ``4444``,
    ``4444xq``); default ``4444`` with alpha, ``hq`` without. Ignored by the other codecs."""

    @property
    def frame_slots(self) -> int:
        """Frame-duration ticks (``1/fps`` each) the video lasts."""
        return round(self.duration * self.fps)

    @property
    def frame_count(self) -> int:
        """Frames in the video stream."""
        slots = self.frame_slots
        if not self.variable_fps:
            return slots
        return slots - slots // VFR_PERIOD

    @property
    def video_seconds(self) -> Fraction:
        """Exact duration of the video stream."""
        return Fraction(self.frame_slots, self.fps)

    @property
    def is_mp4(self) -> bool:
        """MP4 or MOV: the ISO base media family."""
        return self.container in ("mp4", "mov")


@dataclass(frozen=True, slots=True)
class Style:
    """Knobs not in the public spec: quality and how busy the content is (the demos use them)."""

    quality: int | None = None
    """Codec-specific constant-quality value (crf); ``None``: the codec's default."""
    motion_frames: int | None = None
    """The bar moves during the first this many frames of every GOP; ``None``: the whole GOP."""
    audio_rate: int = 48000
    """AAC sample rate (Opus is always 48 kHz)."""
    audio_bit_rate: int = 32000
    tone_share: float = 0.15
    """Share of every audio cycle holding a soft tone (the rest is silence)."""
    tone_amplitude: float = 0.02
    opus_frame_ms: int = 20


DEFAULT_STYLE = Style()


def validate(spec: VideoSpec) -> None:
    """Raise ``ValueError`` for a spec the generator cannot make (the first problem, in this order)."""
    if spec.container not in CONTAINERS:
        raise ValueError(f"container must be one of {sorted(CONTAINERS)}, not {spec.container!r}")
    if spec.codec not in CODEC_TABLE:
        raise ValueError(f"codec must be one of {CODECS}, not {spec.codec!r}")
    if spec.width <= 0 or spec.height <= 0:
        raise ValueError("width and height must be positive")
    if CODEC_TABLE[spec.codec].pix_fmt.endswith("420p") and (spec.width % 2 or spec.height % 2):
        raise ValueError("4:2:0 codecs need an even width and height")
    if not isinstance(spec.fps, int) or spec.fps <= 0:
        raise ValueError("fps must be a positive integer")
    if spec.frame_count < 1:
        raise ValueError("duration * fps must give at least one frame")
    if spec.alpha and CODEC_TABLE[spec.codec].alpha_pix_fmt is None:
        raise ValueError(f"{spec.codec} cannot carry alpha here (x264/x265 have no alpha layer)")
    if spec.alpha_opaque and not spec.alpha:
        raise ValueError("alpha_opaque needs alpha=True")
    if spec.codec == "vp8" and spec.is_mp4:
        raise ValueError("FFmpeg cannot write VP8 into MP4/MOV: use webm or mkv")
    if spec.alpha and spec.codec in ("vp8", "vp9") and spec.is_mp4:
        raise ValueError("VP8/VP9 alpha lives in Matroska BlockAdditions: use webm or mkv")
    if spec.rotation not in (0, 90, 180, 270):
        raise ValueError("rotation must be 0, 90, 180 or 270")
    if spec.rotation and not spec.is_mp4:
        raise ValueError("rotation is written only into MP4/MOV (tkhd matrix)")
    if spec.fragmented and not spec.is_mp4:
        raise ValueError("fragmented applies to MP4/MOV")
    if spec.live and spec.container not in ("webm", "mkv"):
        raise ValueError("live applies to WebM/MKV")
    if spec.audio_duration is not None and spec.audio_duration <= 0:
        raise ValueError("audio_duration must be positive (or None for no audio)")
    if spec.gop_seconds <= 0:
        raise ValueError("gop_seconds must be positive")
    if spec.sar is not None and (len(spec.sar) != 2 or spec.sar[0] <= 0 or spec.sar[1] <= 0):
        raise ValueError("sar must be two positive integers")
    if spec.codec == "prores":
        prores_profile(spec.profile, spec.alpha)
