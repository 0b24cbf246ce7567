"""What sampling the footage established: immutable facts, no judgements, no heavy imports.

These records are the contract between the analysis (``validator.content``), the content rules, and
the formatters (JSON ``content`` object, the HTML timeline). Times are seconds from the start of the
video stream; boxes are pixels of the displayed frame (after rotation), so they mean the same whatever
size the analysis decoded at.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A time range, in seconds."""

    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Box:
    """A face found in one sample, in displayed-frame pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Sample:
    """One decoded frame and what was measured on it."""

    time: float
    faces: tuple[Box, ...] = ()
    """Every face the detector found, largest first."""
    luma: float | None = None
    """Mean luma (0-255) of the largest face, or of the frame when there is none."""
    sharpness: float | None = None
    """Variance of the Laplacian over the largest face (higher is sharper); ``None`` without a face."""
    opaque: float | None = None
    """Share (0-1) of opaque pixels in the frame; ``None`` for a video without alpha."""
    face_opaque: float | None = None
    """Share (0-1) of opaque pixels inside the largest face box; ``None`` without alpha or face."""
    key_share: float | None = None
    """Share (0-1) of the frame that is chroma-key coloured; ``None`` when not measured."""
    key_spread: float | None = None
    """How uneven the key-coloured background is: the spread of its brightness (10th to 90th
    percentile) over its median; ``None`` when too little of the frame is key-coloured."""
    spill: float | None = None
    """Share (0-1) of the subject's pixels (largest face box) tinted by the key colour."""


@dataclass(frozen=True, slots=True)
class Cut:
    """A confirmed hard cut or jump in the picture."""

    time: float
    score: float
    """How different the frames either side are (0-1); the profile sets the threshold."""


@dataclass(frozen=True, slots=True)
class AudioContent:
    """What decoding the whole audio track (16 kHz mono) showed."""

    duration: float
    speech: tuple[Span, ...]
    """Voiced segments (webrtcvad, merged across short pauses)."""
    speech_share: float
    """Share (0-1) of the track that is speech."""
    peak_dbfs: float
    """Highest sample level, dBFS (0 is full scale)."""
    speech_dbfs: float | None
    """RMS level of the speech segments, dBFS; ``None`` without speech."""
    noise_dbfs: float | None
    """RMS level between phrases (the noise floor), dBFS; ``None`` when there is no pause."""
    clipped_share: float
    """Share (0-1) of samples at or within a hair of full scale."""
    clipped: tuple[Span, ...] = ()
    """Where the clipped runs are."""


@dataclass(frozen=True, slots=True)
class ContentFacts:
    """Everything ``--content`` measured on one file."""

    duration: float
    """Length of the video stream the samples were spread over."""
    frame_width: int
    frame_height: int
    """Displayed frame size the boxes refer to."""
    analysed_height: int
    """Height the frames were decoded at for analysis."""
    samples: tuple[Sample, ...]
    """In time order."""
    cuts: tuple[Cut, ...] = ()
    cut_candidates: int = 0
    """How many candidates the demuxer's keyframe flags and packet sizes suggested."""
    audio: AudioContent | None = None
    """``None`` when the file has no audio track or it could not be decoded (a finding says which)."""
    audio_problem: str | None = None
    """Why :attr:`audio` is ``None`` although the file has an audio track (it could not be decoded)."""
    samples_failed: int = 0
    """Frames the plan asked for that could not be decoded."""
    seconds: float | None = None
    """Wall time the analysis took."""
