"""What a probe learned about one file: immutable facts, no judgements.

Every figure that could not be established is ``None`` (never ``0``), and figures that can come from
several places say which one they came from, so a reader of a report can tell a measured duration
from a declared one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction


class MoovPosition(str, Enum):
    """Where an MP4/MOV keeps its index (the ``moov`` box) relative to the media data."""

    START = "start"
    END = "end"


class DurationSource(str, Enum):
    """Where the video stream's duration was read, in the order the probe prefers them."""

    STREAM = "stream"
    """The stream's own duration from the container index (MP4/MOV ``mdhd``, or a fragment sum)."""
    STREAM_TAG = "stream_tag"
    """The per-track ``DURATION`` tag a Matroska muxer writes."""
    LAST_BLOCK = "last_block"
    """Computed from the timestamps of the video track's last block near the end of a Matroska file."""
    FRAGMENTS = "fragments"
    """Fragmented MP4: the last fragment's decode time plus its sample durations."""
    CONTAINER = "container"
    """The container's overall duration: may include a longer audio track."""


class RateSource(str, Enum):
    """Where the video stream's nominal frame rate was read."""

    FRAGMENT = "fragment"
    """Stated by a fragmented MP4: every sample of its first fragment lasts the same."""
    FFMPEG = "ffmpeg"
    """FFmpeg's estimate from the packets it read (``r_frame_rate``, else its guess)."""


@dataclass(frozen=True, slots=True)
class AlphaPiece:
    """One piece of evidence about an alpha channel."""

    name: str
    """Stable name of the evidence: ``pix_fmt``, ``matroska_alpha_mode`` or ``deep_decode``."""
    has_alpha: bool
    """Whether this piece says the video carries an alpha channel."""
    detail: str
    """What was seen, for people (``pix_fmt yuva444p12le has an alpha component``)."""


@dataclass(frozen=True, slots=True)
class DeepAlpha:
    """What decoding a few frames showed about the alpha plane (``--deep``)."""

    frames_sampled: int
    """Frames decoded and inspected."""
    alpha_decoded: bool
    """Whether the decoded frames carried an alpha plane at all."""
    transparent_share: float | None
    """Share of sampled pixels below the opaque threshold, 0..1; ``None`` without an alpha plane."""
    min_alpha: int | None
    """Lowest alpha value seen, scaled to 0..255; ``None`` without an alpha plane."""


@dataclass(frozen=True, slots=True)
class AlphaEvidence:
    """Everything known about transparency, and the verdict derived from it."""

    pieces: tuple[AlphaPiece, ...] = ()
    """Each piece of evidence, named."""
    deep: DeepAlpha | None = None
    """Decoded-frame statistics, when ``--deep`` ran."""

    @property
    def transparent(self) -> bool | None:
        """The ``Transparent`` value the file supports: any positive piece wins; ``None`` if no evidence."""
        if not self.pieces:
            return None
        return any(p.has_alpha for p in self.pieces)

    @property
    def summary(self) -> str:
        """The pieces in one line for people, those that show an alpha channel first: a VP9 stream's
        alpha (Matroska BlockAdditions) is evidence that FFmpeg's pixel format then qualifies."""
        shown = sorted(self.pieces, key=lambda p: not p.has_alpha)
        return "; ".join(p.detail for p in shown)


@dataclass(frozen=True, slots=True)
class VideoStreamFacts:
    """One video stream, as stored and as displayed."""

    index: int
    """Stream index in the container."""
    codec: str | None
    """Codec name (``h264``, ``vp9``, ``prores``...)."""
    profile: str | None
    """Codec profile (``High``, ``4444``, ``Profile 0``)."""
    width: int | None
    """Coded (stored) frame width in pixels."""
    height: int | None
    """Coded (stored) frame height in pixels."""
    rotation: int
    """Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix; 0 if none."""
    sample_aspect_ratio: Fraction | None
    """Pixel aspect ratio; ``None`` when undeclared (treated as square)."""
    average_rate: Fraction | None
    """Average frame rate (frames / duration)."""
    nominal_rate: Fraction | None
    """Nominal (base) frame rate: the lowest rate all timestamps fit."""
    pix_fmt: str | None
    """FFmpeg pixel format (``yuv420p``, ``yuva444p12le``...)."""
    bit_depth: int | None
    """Bits per component of the pixel format."""
    duration: float | None
    """Duration of this video stream in seconds (not the container's)."""
    duration_source: DurationSource | None
    """Where :attr:`duration` came from."""
    frames: int | None
    """Frame count when the index states it; ``None`` otherwise."""
    nominal_rate_source: RateSource | None = None
    """Where :attr:`nominal_rate` came from."""
    color_transfer: str | None = None
    """Transfer characteristic the stream header declares, by FFmpeg's name (``bt709``,
    ``smpte2084`` for PQ, ``arib-std-b67`` for HLG); ``None`` when unspecified."""
    color_primaries: str | None = None
    """Colour primaries the stream header declares (``bt709``, ``bt2020``); ``None`` when unspecified."""

    @property
    def frame_rate(self) -> Fraction | None:
        """The rate the rules judge: the nominal rate where the container states it (FFmpeg's average
        of a fragmented file comes from its first few packets), else the average rate."""
        if self.nominal_rate_source is RateSource.FRAGMENT:
            return self.nominal_rate
        return self.average_rate

    @property
    def display_width(self) -> int | None:
        """Width as displayed, after rotation."""
        return self.height if self.rotation in (90, 270) else self.width

    @property
    def display_height(self) -> int | None:
        """Height as displayed, after rotation."""
        return self.width if self.rotation in (90, 270) else self.height


@dataclass(frozen=True, slots=True)
class AudioStreamFacts:
    """One audio stream: only what the rules need."""

    index: int
    """Stream index in the container."""
    codec: str | None
    """Codec name."""
    duration: float | None
    """Duration in seconds, when known."""


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """Everything a probe established about one file."""

    path: str
    """The path as given."""
    size: int
    """File size in bytes."""
    container: str | None
    """Container by content: ``mp4``, ``mov``, ``webm``, ``matroska``, ``3gp``... or the demuxer name."""
    format_name: str | None
    """FFmpeg's demuxer name (``mov,mp4,m4a,3gp,3g2,mj2``, ``matroska,webm``)."""
    brand: str | None
    """MP4 major brand or EBML DocType the identity came from."""
    video: VideoStreamFacts | None
    """The first video stream (cover art excluded); ``None`` if there is none."""
    video_stream_count: int
    """How many real video streams the file has."""
    audio: tuple[AudioStreamFacts, ...]
    """Audio streams."""
    container_duration: float | None
    """The container's overall duration in seconds."""
    moov_position: MoovPosition | None
    """MP4/MOV only: index before or after the media data."""
    fragmented: bool | None
    """MP4/MOV only: whether the file is fragmented (``moof`` boxes)."""
    truncated: bool
    """Whether the file ends before its own structure says it should."""
    alpha: AlphaEvidence
    """Transparency evidence and verdict."""
    bytes_read: int
    """Bytes actually read from the file to establish these facts."""
    notes: tuple[str, ...] = field(default=())
    """Anything odd noticed on the way that is not a fact of its own."""

    @property
    def transparent(self) -> bool | None:
        """The derived ``Transparent`` flag."""
        return self.alpha.transparent
