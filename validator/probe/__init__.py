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
from typing import TYPE_CHECKING, Any

from validator.errors import ProbeError
from validator.facts import (
    AlphaEvidence,
    DurationSource,
    MediaFacts,
    MoovPosition,
    VideoStreamFacts,
)
from validator.probe import sniff, streams
from validator.probe.reader import CachingReader, FileSource, Limits, Source

if TYPE_CHECKING:
    from validator.probe.ebml import EbmlLayout
    from validator.probe.isobmff import IsoLayout

__all__ = ["open_input", "probe", "probe_source"]

SNIFF_BYTES = 64
WINDOW_PROBESIZE = "65536"
ISOBMFF_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_DEMUXER = "matroska,webm"
"""FFmpeg's demuxers by their full names, which are also what ``container.format.name`` says when
FFmpeg picked them itself."""
_OPEN_OPTIONS: dict[str, Any] = {
    "metadata_errors": "replace"
}  # PyAV 18: bad tag bytes must not make a file unreadable


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
    iso = _prewalk(reader, head, deep=deep_frames > 0)
    matroska = _matroska_head(reader, head)
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


def _open(reader: CachingReader, demuxer: str | None) -> Any:
    import av

    # Shown only a fragmented file's first fragment, FFmpeg would analyse all of it; the sample
    # description and the first packets tell everything, so stop after 64 KiB of packets.
    options = {"probesize": WINDOW_PROBESIZE} if reader.visible < reader.size else {}
    try:
        return open_input(reader, options, demuxer)
    except av.FFmpegError as exc:
        raise ProbeError(_reason(exc)) from exc
    except (ValueError, TypeError, RuntimeError, UnicodeError) as exc:
        raise ProbeError(f"the file could not be opened as media ({exc})") from exc


def open_input(file: Any, options: dict[str, str] | None = None, demuxer: str | None = None) -> Any:
    """``av.open`` for reading, on PyAV 18 and 19 alike: tag bytes that are not UTF-8 never make a file
    unreadable (PyAV 18 needs ``metadata_errors="replace"``; PyAV 19 dropped the argument and always
    replaces).

    ``demuxer`` names the container when the first bytes already told it (an ``ftyp`` box or a
    QuickTime first atom, the EBML magic): FFmpeg then skips asking each of its few hundred demuxers
    to score the file (70-100 us of every open, measured in alternation). An FFmpeg that knows no
    demuxer by that name probes as usual."""
    import av

    kwargs: dict[str, Any] = {"mode": "r", "options": options or {}}
    if demuxer is not None and demuxer in av.formats_available:
        kwargs["format"] = demuxer
    try:
        return av.open(file, **kwargs, **_OPEN_OPTIONS)
    except TypeError:
        return av.open(file, **kwargs)


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return f"not readable as video: {text}"


class _Iso:
    """The MP4/MOV box walk, done before FFmpeg opens the file, and fragment durations by track id.

    A plain class: as a NamedTuple its (string) annotations would be compiled at every start-up."""

    __slots__ = ("durations", "layout")

    def __init__(self, layout: IsoLayout, durations: dict[int, float]) -> None:
        self.layout = layout
        self.durations = durations


def _prewalk(reader: CachingReader, head: bytes, *, deep: bool) -> _Iso | None:
    """Walk an MP4/MOV's boxes first. A fragmented file's track durations come from its last
    fragment, and FFmpeg is then shown only the first fragment, so it does not visit every ``moof``
    (deep decoding seeks anywhere, so it keeps the whole file)."""
    if not sniff.is_isobmff(head):
        return None
    from validator.probe import fragments, isobmff  # each container family imports only its parser

    layout = isobmff.walk(reader)
    if layout.moov is not None and layout.moov.size is not None:
        reader.prefetch(layout.moov.start, layout.moov.size)  # FFmpeg reads all of it next
    durations: dict[int, float] = {}
    if layout.fragmented and layout.moov and layout.first_moof and layout.first_fragment_end and not deep:
        durations = fragments.track_durations(reader, layout.moov, layout.first_moof)
        if durations:
            reader.visible = layout.first_fragment_end
    return _Iso(layout, durations)


def _matroska_head(reader: CachingReader, head: bytes) -> EbmlLayout | None:
    """A Matroska/WebM file's EBML head and track list, read before FFmpeg reads the same bytes (from
    the cache then), as the MP4 walk is."""
    if not sniff.is_ebml(head):
        return None
    from validator.probe import ebml

    return ebml.parse_head(reader)


def _facts(
    reader: CachingReader, container: Any, name: str, pre: _Iso | None, ebml_head: EbmlLayout | None
) -> MediaFacts:
    fmt = container.format.name
    matroska = ebml_head is not None
    iso = "mp4" in fmt.split(",") or "mov" in fmt.split(",")
    video_streams = [s for s in container.streams.video if not streams.is_cover_art(s)]
    by_track = pre.durations if pre else {}
    audio = tuple(streams.audio_facts(s, by_track.get(s.id)) for s in container.streams.audio)
    container_duration = container.duration / 1_000_000 if container.duration else None
    if by_track:  # FFmpeg saw only the first fragment
        container_duration = max(by_track.values())

    brand: str | None = None
    identity: str | None = None
    moov: MoovPosition | None = None
    fragmented: bool | None = None
    truncated = False
    rotation: int | None = None
    layout: EbmlLayout | None = None
    if iso:
        from validator.probe import isobmff

        iso_layout = pre.layout if pre else isobmff.walk(reader)
        brand = iso_layout.major_brand
        identity = isobmff.container_name(brand, iso_layout.compatible_brands) or fmt
        moov, fragmented, truncated = iso_layout.moov_position, iso_layout.fragmented, iso_layout.truncated
        rotation = iso_layout.rotation
    elif ebml_head is not None:
        layout = ebml_head
        brand = layout.doctype
        identity = layout.doctype if layout.doctype in ("webm", "matroska") else fmt
        truncated = layout.truncated
    else:
        identity = fmt

    video = None
    if video_streams:
        video = _video_facts(reader, video_streams[0], layout, rotation, container_duration, by_track)
    alpha = AlphaEvidence(
        streams.alpha_pieces(
            video.pix_fmt if video else None,
            video_streams[0].metadata if matroska and video_streams else None,
            matroska=matroska,
        )
        if video
        else ()
    )
    return MediaFacts(
        path=name,
        size=reader.size,
        container=identity,
        format_name=fmt,
        brand=brand,
        video=video,
        video_stream_count=len(video_streams),
        audio=audio,
        container_duration=container_duration,
        moov_position=moov,
        fragmented=fragmented,
        truncated=truncated,
        alpha=alpha,
        bytes_read=reader.bytes_fetched,
    )


def _video_facts(
    reader: CachingReader,
    stream: Any,
    layout: EbmlLayout | None,
    rotation: int | None,
    container_duration: float | None,
    by_track: dict[int, float],
) -> VideoStreamFacts:
    cc = stream.codec_context  # None when FFmpeg has no decoder for the stream: every fact unknown
    pix_fmt = getattr(cc, "pix_fmt", None) or None
    depth, _ = streams.pix_fmt_facts(pix_fmt)
    average = streams.fraction(stream.average_rate)
    nominal = streams.fraction(getattr(stream, "base_rate", None)) or streams.fraction(
        getattr(stream, "guessed_rate", None)
    )
    duration, source = streams.video_duration(stream, matroska=layout is not None)
    if stream.id in by_track:
        duration, source = by_track[stream.id], DurationSource.FRAGMENTS
    if duration is None and layout is not None:
        from validator.probe import ebml

        rate = average or nominal
        frame_ns = int(1e9 / rate) if rate else None
        duration = ebml.video_duration_from_tail(reader, layout, frame_ns)
        source = DurationSource.LAST_BLOCK if duration else None
    if duration is None and container_duration:
        duration, source = container_duration, DurationSource.CONTAINER
    if rotation is None:
        rotation = _side_data_rotation(cc)
    frames = int(stream.frames) if stream.frames else None
    if average is None and frames and duration:
        average = _rate_from(frames, duration)
    return VideoStreamFacts(
        index=stream.index,
        codec=getattr(cc, "name", None),
        profile=getattr(cc, "profile", None) or None,
        width=getattr(cc, "width", None) or None,
        height=getattr(cc, "height", None) or None,
        rotation=rotation or 0,
        sample_aspect_ratio=streams.fraction(getattr(cc, "sample_aspect_ratio", None)),
        average_rate=average,
        nominal_rate=nominal,
        pix_fmt=pix_fmt,
        bit_depth=depth,
        duration=duration,
        duration_source=source,
        frames=frames,
    )


def _rate_from(frames: int, seconds: float) -> Fraction:
    return Fraction(frames) / Fraction(seconds).limit_denominator(1_000_000)


def _side_data_rotation(cc: Any) -> int | None:
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
