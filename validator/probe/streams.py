"""Stream facts from an open PyAV container: the only module that reads PyAV's stream objects."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from validator.facts import AlphaPiece, AudioStreamFacts, DurationSource

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.stream import Stream

_TAG_DURATION = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def fraction(value: Fraction | float | str | None) -> Fraction | None:
    """A positive rational from PyAV, or ``None`` for missing, zero or nonsense."""
    if value is None:
        return None
    if type(value) is Fraction:  # what PyAV returns: use it as it is
        return value if value.numerator > 0 else None
    try:
        frac = Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return frac if frac > 0 else None


MOTION_CODECS = frozenset({"h264", "hevc", "prores", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "dnxhd"})
"""Codecs that never carry an attached picture (those are JPEG, PNG, BMP...): for these the
disposition, a Python enum built per call, is not asked."""


def is_cover_art(stream: Stream) -> bool:
    """Attached pictures (album art) are video streams that are not the video."""
    if getattr(stream.codec_context, "name", None) in MOTION_CODECS:
        return False
    disposition = getattr(stream, "disposition", None)
    try:
        return bool(disposition is not None and int(disposition) & 0x400)  # AV_DISPOSITION_ATTACHED_PIC
    except (TypeError, ValueError):
        return False


def parse_tag_duration(text: str | None) -> float | None:
    """Matroska ``DURATION`` tags look like ``00:05:00.000000000``."""
    if not text:
        return None
    m = _TAG_DURATION.match(text.strip())
    if not m:
        return None
    hours, minutes, seconds = int(m.group(1)), int(m.group(2)), float(m.group(3))
    return hours * 3600 + minutes * 60 + seconds


def tag(metadata: Mapping[str, str] | None, name: str) -> str | None:
    """A metadata value by case-insensitive name (remuxers write ``ALPHA_MODE`` or ``alpha_mode``)."""
    if not metadata:
        return None
    for key, value in metadata.items():
        if str(key).lower() == name.lower():
            return str(value)
    return None


def stream_duration(stream: Stream) -> float | None:
    """The stream's own duration from the container index, in seconds."""
    duration, base = stream.duration, stream.time_base
    if duration is None or base is None:
        return None
    seconds = duration * base.numerator / base.denominator  # as float(Fraction), without its cost
    return seconds if seconds > 0 else None


def video_duration(stream: Stream, *, matroska: bool) -> tuple[float | None, DurationSource | None]:
    """Duration from the stream itself: the index for MP4/MOV, the DURATION tag for Matroska."""
    if matroska:
        from_tag = parse_tag_duration(tag(stream.metadata, "DURATION"))
        if from_tag:
            return from_tag, DurationSource.STREAM_TAG
    seconds = stream_duration(stream)
    if seconds:
        return seconds, DurationSource.STREAM
    return None, None


@functools.lru_cache(maxsize=64)
def pix_fmt_facts(pix_fmt: str | None) -> tuple[int | None, bool | None]:
    """(bit depth, has alpha component) of a pixel format name; ``None`` where unknown."""
    if not pix_fmt:
        return None, None
    import av

    try:
        fmt = av.VideoFormat(pix_fmt)
    except (ValueError, TypeError):
        return None, None
    comps = list(fmt.components)
    if not comps:
        return None, None
    depth = max(c.bits for c in comps) or None
    return depth, any(c.is_alpha for c in comps)


def alpha_pieces(
    pix_fmt: str | None, metadata: Mapping[str, str] | None, *, matroska: bool, codec: str | None = None
) -> tuple[AlphaPiece, ...]:
    """The header-level alpha evidence: the pixel format, and Matroska's AlphaMode.

    A VP8/VP9 stream keeps its alpha plane apart from the picture, in Matroska BlockAdditions, so
    FFmpeg's pixel format for it never has an alpha component: the details say so rather than read
    as a contradiction."""
    mode = tag(metadata, "alpha_mode") if matroska else None
    mode = mode.strip() if mode is not None else None
    vpx = codec.upper() if codec in ("vp8", "vp9") else None
    pieces: list[AlphaPiece] = []
    _, fmt_alpha = pix_fmt_facts(pix_fmt)
    if fmt_alpha is not None:
        if not fmt_alpha and mode == "1" and vpx:
            detail = f"FFmpeg's pixel format {pix_fmt} does not show that plane"
        else:
            detail = f"pix_fmt {pix_fmt} {'has' if fmt_alpha else 'has no'} alpha component"
        pieces.append(AlphaPiece("pix_fmt", fmt_alpha, detail))
    if mode is not None:
        on = mode == "1"
        detail = f"alpha_mode={mode}"
        if on and vpx:
            detail = f"the {vpx} stream carries its alpha plane as Matroska BlockAdditions, {detail}"
        pieces.append(AlphaPiece("matroska_alpha_mode", on, detail))
    return tuple(pieces)


_TRANSFERS = {
    1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear", 9: "log100",
    10: "log316", 11: "iec61966-2-4", 12: "bt1361e", 13: "iec61966-2-1", 14: "bt2020-10",
    15: "bt2020-12", 16: "smpte2084", 17: "smpte428", 18: "arib-std-b67",
}
_PRIMARIES = {
    1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "film", 9: "bt2020",
    10: "smpte428", 11: "smpte431", 12: "smpte432", 22: "jedec-p22",
}
"""FFmpeg's AVColorTransferCharacteristic and AVColorPrimaries values by FFmpeg's own names; PyAV
gives the numbers. Unspecified (2) and reserved values are absent: unknown is ``None``."""


def colour(cc: object) -> tuple[str | None, str | None]:
    """(transfer, primaries) a video codec context declares, from the stream header: no decoding."""
    trc, primaries = getattr(cc, "color_trc", None), getattr(cc, "color_primaries", None)
    return _TRANSFERS.get(int(trc)) if trc else None, _PRIMARIES.get(int(primaries)) if primaries else None


def audio_facts(stream: AudioStream, duration: float | None = None) -> AudioStreamFacts:
    """An audio stream; ``duration`` overrides the index's when the probe measured it itself."""
    codec = getattr(stream.codec_context, "name", None)
    return AudioStreamFacts(stream.index, codec, duration or stream_duration(stream))
