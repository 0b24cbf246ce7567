"""Content takes: a real face and real speech, with each variant's ground truth as data.

A :class:`TakeSpec` says what the take shows and when (the face leaves, a second face, a cut, a pan,
silence, clipping, darkness, a green screen, an alpha matte); :func:`make_take` writes it;
:data:`VARIANTS` holds the named cases the content checks are built and tested on. The expected
verdict of every test comes from these fields, never from the tool under test.

Fast because little is encoded: the take is cut into GOPs, each GOP's frames are described as data
(:class:`samples.generate.layout.FrameState`), and GOPs that show the same thing (the sway repeats every
:data:`samples.generate.scene.SWAY_SECONDS`) are encoded once and muxed again with later timestamps.

Needs numpy and scikit-image (the ``[test]`` extra) and ``espeak-ng`` (Debian package) for speech.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from validator.content.facts import Box, Span

CODECS = {"h264": ("mp4", "mov"), "prores": ("mov",), "vp9": ("webm",)}
"""Codec -> the containers it is written into here."""


@dataclass(frozen=True, slots=True)
class TakeSpec:
    """One content take: its format, and what it shows when (the variant's ground truth)."""

    duration: float = 40.0
    """Seconds of video (and of audio)."""
    width: int = 1920
    height: int = 1080
    fps: int = 5
    """Low by default: the content checks sample a few frames a second at most."""
    codec: str = "h264"
    """``h264`` (MP4/MOV), ``prores`` (ProRes 4444 when ``alpha``, MOV) or ``vp9`` (WebM)."""
    container: str = "mp4"
    gop_seconds: float = 2.0
    """Keyframe interval; every change of scene below starts on a keyframe."""
    face_height: float = 0.3
    """Height of the face box (the frontal Haar detector's) as a share of the frame height."""
    face_absent: Span | None = None
    """The subject is out of the picture during this span."""
    second_face: Span | None = None
    """A second person (a mirrored copy) is in the picture during this span."""
    cut_at: float | None = None
    """A hard cut here: another room, another framing, a closer shot."""
    pan: Span | None = None
    """The camera pans sideways during this span (by ``pan_share`` of the width), then rests."""
    pan_share: float = 0.25
    audio: bool = True
    """An audio track at all (AAC in MP4/MOV, Opus in WebM)."""
    speech: bool = True
    """Speech on the track; without it the track holds only a -70 dBFS room noise."""
    lead_in: float = 2.0
    """Seconds of silence before the first word."""
    clipped: bool = False
    """The speech is driven into the ceiling: many samples at full scale."""
    brightness: float = 1.0
    """Multiplies the whole picture (0.25: a dark room)."""
    background: str = "texture"
    """``texture`` (a room) or ``green`` (an even chroma-key green)."""
    green_spill: float = 0.0
    """Share of key green blended into the subject (spill from a screen too close)."""
    alpha: str | None = None
    """``None``, ``matte`` (opaque subject, transparent background) or ``hole`` (the matte is also
    transparent over the face)."""
    grain: float = 0.0
    """Per-frame noise (standard deviation, 8-bit levels), as a camera sensor adds: real-like
    footage for the bench. With grain every GOP of a ``loop_seconds`` period is distinct."""
    loop_seconds: float = 4.0
    """With grain: the period after which the picture repeats exactly."""
    b_frames: int = 0
    """H.264 B-frames (the bench's real-like footage uses 3)."""
    bit_rate: int | None = None
    """Video bit rate (bit/s); ``None``: constant quality."""
    quality: int | None = None
    """Constant quality (x264/VP9 crf) when ``bit_rate`` is ``None``; ``None``: the generator's."""
    preset: str = "ultrafast"
    """x264 preset (the bench's real-like footage uses ``veryfast``, as a camera app might)."""
    audio_channels: int = 1
    audio_bit_rate: int = 64000
    faststart: bool = True
    """MP4/MOV: the ``moov`` before the media data."""
    notes: str = field(default="", compare=False)
    """What the take shows, for people."""

    @property
    def frame_count(self) -> int:
        return round(self.duration * self.fps)

    @property
    def gop_frames(self) -> int:
        return max(1, round(self.gop_seconds * self.fps))

    @property
    def lead_in_speech(self) -> bool:
        """The first word comes within half a second: no silent opening."""
        return self.audio and self.speech and self.lead_in < 0.5

    def faces_at(self, t: float) -> int:
        """How many faces are in the picture at ``t`` seconds."""
        if _inside(self.face_absent, t):
            return 0
        return 2 if _inside(self.second_face, t) else 1

    def face_boxes_at(self, t: float) -> tuple[Box, ...]:
        """The face boxes at ``t`` in frame pixels, the subject's first (as the layout places them)."""
        from samples.generate.layout import face_boxes

        return face_boxes(self, t)

    def validate(self) -> None:
        """Raise ``ValueError`` for a spec the generator cannot make."""
        if self.container not in CODECS.get(self.codec, ()):
            raise ValueError(f"{self.codec} is written into {CODECS.get(self.codec)}, not {self.container}")
        if self.width % 2 or self.height % 2 or self.fps <= 0 or self.frame_count < 1:
            raise ValueError("width and height must be even, fps positive, at least one frame")
        if self.alpha not in (None, "matte", "hole") or (self.alpha and self.codec == "h264"):
            raise ValueError("alpha is matte or hole, with prores or vp9")
        if self.background not in ("texture", "green"):
            raise ValueError("background is texture or green")
        gop = self.gop_seconds
        for name, at in (
            ("face_absent", self.face_absent),
            ("second_face", self.second_face),
            ("pan", self.pan),
        ):
            if at is not None and not (_on_gop(at.start, gop) and _on_gop(at.end, gop)):
                raise ValueError(f"{name} must start and end on a keyframe (multiples of {gop} s)")
        if self.cut_at is not None and not _on_gop(self.cut_at, gop):
            raise ValueError(f"cut_at must fall on a keyframe (a multiple of {gop} s)")
        if self.b_frames and self.frame_count % self.gop_frames:
            raise ValueError("with B-frames the take must be a whole number of GOPs")


def _inside(span: Span | None, t: float) -> bool:
    return span is not None and span.start <= t < span.end


def _on_gop(t: float, gop: float) -> bool:
    return abs(t / gop - round(t / gop)) < 1e-6


def make_take(path: Path, spec: TakeSpec) -> Path:
    """Write the take ``spec`` describes to ``path`` (the container comes from the spec) and return it."""
    from samples.generate.take import write

    spec.validate()
    return write(Path(path), spec)


_S = Span
VARIANTS: dict[str, TakeSpec] = {
    "steady": TakeSpec(notes="one seated speaker, camera still, 2 s silent lead-in, speech"),
    "face-leaves": TakeSpec(face_absent=_S(10.0, 30.0), notes="the speaker is out of frame 0:10-0:30"),
    "second-face": TakeSpec(second_face=_S(14.0, 26.0), notes="a second person 0:14-0:26"),
    "small-face": TakeSpec(face_height=0.18, notes="the face is 18% of the frame height (rule: 1/5)"),
    "hard-cut": TakeSpec(cut_at=20.0, notes="a hard cut at 0:20 to another room and a closer shot"),
    "pan": TakeSpec(pan=_S(16.0, 24.0), notes="the camera pans a quarter of the width 0:16-0:24"),
    "silent": TakeSpec(speech=False, notes="an audio track with room noise only (-70 dBFS)"),
    "speech-at-start": TakeSpec(lead_in=0.0, notes="the first word at 0:00: no silent opening"),
    "clipped": TakeSpec(clipped=True, notes="the speech driven +26 dB into full scale"),
    "dark": TakeSpec(brightness=0.25, notes="the whole picture at a quarter of its brightness"),
    "greenscreen": TakeSpec(background="green", notes="an even chroma-green background, no spill"),
    "greenscreen-spill": TakeSpec(
        background="green", green_spill=0.35, notes="green screen, 35% key green blended into the subject"
    ),
    "alpha-hole": TakeSpec(
        codec="vp9", container="webm", alpha="hole", notes="VP9 alpha: the matte is transparent over the face"
    ),
    "alpha-right": TakeSpec(
        codec="vp9",
        container="webm",
        alpha="matte",
        notes="VP9 alpha: opaque subject, transparent background",
    ),
}
"""The named content takes the content checks are built and measured on."""
