"""Turn one file into :class:`~validator.facts.MediaFacts`, reading only what it must.

Order of work: sniff the first bytes (container identity by content), let FFmpeg open the file through
a caching reader (headers, and the first packet of each stream), then walk the MP4 boxes or EBML
elements from the same cache for what FFmpeg does not say. Every PyAV failure becomes one
:class:`~validator.errors.ProbeError`; ``OSError`` keeps its type.
"""

from __future__ import annotations

import math
import os
import struct
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

from validator.errors import ProbeError
from validator.facts import (
    AlphaEvidence,
    DurationSource,
    MediaFacts,
    RateSource,
    VideoStreamFacts,
)
from validator.probe import heads, streams
from validator.probe.reader import CachingReader, FileSource, Limits, Source

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.codeccontext import VideoCodecContext
    from av.video.stream import VideoStream

    from validator.probe.ebml import EbmlLayout

__all__ = ["open_input", "probe", "probe_source"]

SNIFF_BYTES = 64
WINDOW_PROBESIZE = "65536"
ISOBMFF_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_DEMUXER = "matroska,webm"
"""FFmpeg's demuxers by their full names, which are also what ``container.format.name`` says when
FFmpeg picked them itself."""


def probe(
    path: str | os.PathLike[str],
    *,
    deep_frames: int = 0,
    opaque_alpha: int = 250,
    limits: Limits | None = None,
) -> MediaFacts:
    """Probe a local file. ``deep_frames`` > 0 also decodes that many frames to measure the alpha."""
    source = FileSource(path)
    return probe_source(
        source, os.fspath(path), deep_frames=deep_frames, opaque_alpha=opaque_alpha, limits=limits
    )


def probe_source(
    source: Source, name: str, *, deep_frames: int = 0, opaque_alpha: int = 250, limits: Limits | None = None
) -> MediaFacts:
    """Probe any random-access :class:`Source` (a local file, a remote object)."""
    reader = CachingReader(source, limits=limits)
    try:
        return _probe(reader, name, deep_frames, opaque_alpha)
    finally:
        reader.release()


def _probe(reader: CachingReader, name: str, deep_frames: int, opaque_alpha: int) -> MediaFacts:
    if reader.size == 0:
        raise ProbeError("the file is empty (0 bytes)")
    head = reader.read_at(0, SNIFF_BYTES)
    iso = heads.prewalk(reader, head, deep=deep_frames > 0)
    matroska = heads.matroska_head(reader, head)
    demuxer = ISOBMFF_DEMUXER if iso is not None else MATROSKA_DEMUXER if matroska is not None else None
    try:
        container = _open(reader, demuxer)
    except ProbeError as exc:
        _raise_if_stopped(reader)
        if (iso is not None and iso.layout.truncated) or (matroska is not None and matroska.truncated):
            raise ProbeError(f"the file is truncated ({exc.reason})", truncated=True) from exc
        raise
    try:
        _raise_if_stopped(reader)
        facts = _facts(reader, container, name, iso, matroska)
        if deep_frames > 0 and facts.video is not None:
            from validator.probe.deep import sample_alpha

            deep = sample_alpha(
                container, facts, frames=deep_frames, opaque_alpha=opaque_alpha, reader=reader
            )
            facts = replace(facts, alpha=replace(facts.alpha, deep=deep))
        _raise_if_stopped(reader)
    finally:
        container.close()
    if facts.bytes_read != reader.bytes_fetched:  # deep decoding read on
        facts = replace(facts, bytes_read=reader.bytes_fetched)
    return facts


def _raise_if_stopped(reader: CachingReader) -> None:
    if reader.stopped is not None:
        raise ProbeError(f"the probe {reader.stopped}", limit=True)


def _open(reader: CachingReader, demuxer: str | None) -> InputContainer:
    import av

    # Shown only a fragmented file's first fragment, FFmpeg would analyse all of it; the sample
    # description and the first packets tell everything, so stop after 64 KiB of packets.
    options = {"probesize": WINDOW_PROBESIZE} if reader.visible < reader.size else {}
    try:
        return open_input(reader, options, demuxer)
    except MemoryError:
        raise  # FFmpeg's ENOMEM too: past the memory allowance, reported as a limit by the caller
    except av.FFmpegError as exc:
        raise ProbeError(_reason(exc)) from exc
    except (ValueError, TypeError, RuntimeError, UnicodeError) as exc:
        raise ProbeError(f"the file could not be opened as media ({exc})") from exc


def open_input(
    file: str | CachingReader, options: dict[str, str] | None = None, demuxer: str | None = None
) -> InputContainer:
    """``av.open`` for reading, on PyAV 18 and 19 alike: tag bytes that are not UTF-8 never make a file
    unreadable (PyAV 18 needs ``metadata_errors="replace"``; PyAV 19 dropped the argument and always
    replaces).

    ``demuxer`` names the container when the first bytes already told it (an ``ftyp`` box or a
    QuickTime first atom, the EBML magic): FFmpeg then skips asking each of its few hundred demuxers
    to score the file (70-100 us of every open, measured in alternation). An FFmpeg that knows no
    demuxer by that name probes as usual."""
    import av

    known = demuxer if demuxer is not None and demuxer in av.formats_available else None
    try:
        return av.open(file, "r", format=known, options=options or {}, metadata_errors="replace")
    except TypeError:  # PyAV 19: no metadata_errors argument
        return av.open(file, "r", format=known, options=options or {})


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return f"not readable as video: {text}"


def _facts(
    reader: CachingReader,
    container: InputContainer,
    name: str,
    pre: heads.IsoWalk | None,
    ebml_head: EbmlLayout | None,
) -> MediaFacts:
    fmt = container.format.name
    identity = heads.identity(reader, fmt, pre, ebml_head)
    video_streams = [s for s in container.streams.video if not streams.is_cover_art(s)]
    by_track = pre.durations if pre else {}
    audio = tuple(streams.audio_facts(s, by_track.get(s.id)) for s in container.streams.audio)
    container_duration = container.duration / 1_000_000 if container.duration else None
    if by_track:  # FFmpeg saw only the first fragment
        container_duration = max(by_track.values())
    video = None
    alpha = AlphaEvidence()
    if video_streams:
        first = video_streams[0]
        rates = pre.rates if pre else {}
        video = _video_facts(reader, first, ebml_head, identity.rotation, container_duration, by_track, rates)
        metadata = first.metadata if ebml_head is not None else None
        alpha = AlphaEvidence(
            streams.alpha_pieces(video.pix_fmt, metadata, matroska=ebml_head is not None, codec=video.codec)
        )
    return MediaFacts(
        path=name,
        size=reader.size,
        container=identity.container,
        format_name=fmt,
        brand=identity.brand,
        video=video,
        video_stream_count=len(video_streams),
        audio=audio,
        container_duration=container_duration,
        moov_position=identity.moov,
        fragmented=identity.fragmented,
        truncated=identity.truncated,
        alpha=alpha,
        bytes_read=reader.bytes_fetched,
    )


def _video_facts(
    reader: CachingReader,
    stream: VideoStream,
    layout: EbmlLayout | None,
    rotation: int | None,
    container_duration: float | None,
    by_track: dict[int, float],
    rates: dict[int, Fraction],
) -> VideoStreamFacts:
    cc = stream.codec_context  # None when FFmpeg has no decoder for the stream: every fact unknown
    pix_fmt = getattr(cc, "pix_fmt", None) or None
    depth, _ = streams.pix_fmt_facts(pix_fmt)
    average = streams.fraction(stream.average_rate)
    nominal = streams.fraction(stream.base_rate) or streams.fraction(stream.guessed_rate)
    rate_source = RateSource.FFMPEG if nominal else None
    if stream.id in rates:
        nominal, rate_source = rates[stream.id], RateSource.FRAGMENT
    duration: float | None
    source: DurationSource | None
    if stream.id in by_track:
        duration, source = by_track[stream.id], DurationSource.FRAGMENTS
    else:
        duration, source = _video_duration(reader, stream, layout, container_duration, average or nominal)
    frames = int(stream.frames) if stream.frames else None
    if average is None and frames and duration:
        average = _rate_from(frames, duration)
    transfer, primaries = streams.colour(cc)
    return VideoStreamFacts(
        index=stream.index,
        codec=getattr(cc, "name", None),
        profile=getattr(cc, "profile", None) or None,
        width=getattr(cc, "width", None) or None,
        height=getattr(cc, "height", None) or None,
        rotation=(rotation if rotation is not None else _side_data_rotation(cc)) or 0,
        sample_aspect_ratio=streams.fraction(getattr(cc, "sample_aspect_ratio", None)),
        average_rate=average,
        nominal_rate=nominal,
        pix_fmt=pix_fmt,
        bit_depth=depth,
        duration=duration,
        duration_source=source,
        frames=frames,
        nominal_rate_source=rate_source,
        color_transfer=transfer,
        color_primaries=primaries,
    )


def _video_duration(
    reader: CachingReader,
    stream: VideoStream,
    layout: EbmlLayout | None,
    container_duration: float | None,
    rate: Fraction | None,
) -> tuple[float | None, DurationSource | None]:
    """The video stream's duration from the best source there is, in :class:`DurationSource` order
    (a fragmented file's, summed from its fragments, is the caller's)."""
    duration, source = streams.video_duration(stream, matroska=layout is not None)
    if duration is None and layout is not None:
        from validator.probe import ebml

        frame_ns = int(1e9 / rate) if rate else None
        duration = ebml.video_duration_from_tail(reader, layout, frame_ns)
        source = DurationSource.LAST_BLOCK if duration else None
    if duration is None and container_duration:
        duration, source = container_duration, DurationSource.CONTAINER
    return duration, source


def _rate_from(frames: int, seconds: float) -> Fraction:
    return Fraction(frames) / Fraction(seconds).limit_denominator(1_000_000)


def _side_data_rotation(cc: VideoCodecContext | None) -> int | None:
    """PyAV 19 exposes the display matrix without decoding; PyAV 18 does not (None)."""
    side = getattr(cc, "coded_side_data", None)
    if side is None:
        return None
    try:
        matrix = side.get("display_matrix")
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if matrix is None:
        return None
    raw = bytes(matrix)
    if len(raw) < 8:
        return None
    a, b = struct.unpack("<ii", raw[:8])
    if a == 0 and b == 0:
        return None
    return round(math.degrees(math.atan2(b, a)) / 90.0) % 4 * 90
