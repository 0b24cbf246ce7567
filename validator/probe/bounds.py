"""Structural limits, read from the container's header before FFmpeg parses it.

FFmpeg builds its whole index while it opens a file, and nothing can interrupt it from the outside but
ending its process (:mod:`validator.worker`). An MP4 with a thousand tracks, or a ``moov`` holding
100 MB of sample tables, keeps it busy for seconds and holds a gigabyte. A training take has one
video and one audio track and an index of a few MB, so a file past these limits is refused here,
in microseconds, with the limit it passed, as ``probe-limit``.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from validator.errors import ProbeError
from validator.probe.isobmff import children
from validator.probe.reader import CachingReader, Limits

if TYPE_CHECKING:
    from validator.probe.boxes import Box
    from validator.probe.ebml import EbmlLayout

TRACKS_FIX = (
    "A training take has one video and one audio track: keep only those, e.g. "
    "ffmpeg -i IN -map 0:v:0 -map 0:a:0? -c copy OUT.mp4"
)
INDEX_FIX = (
    "A training take is 5 to 15 minutes long and its index a few MB: cut or re-export the video "
    "(ffmpeg -i IN -c copy -movflags +faststart OUT.mp4 rebuilds the index)."
)
_SAMPLE_TABLES = ("stsz", "stz2")


def check_moov_size(moov: Box | None, limits: Limits) -> None:
    """Refuse an index (``moov``) larger than the limit, before anything reads it."""
    if moov is not None and moov.size is not None and moov.size > limits.max_index_bytes:
        limit = _mb(limits.max_index_bytes)
        raise _limit(f"its index (moov) is {_mb(moov.size)}, past the {limit} limit", INDEX_FIX)


def check_moov(reader: CachingReader, moov: Box | None, limits: Limits) -> None:
    """Refuse an MP4/MOV whose ``moov`` holds too many tracks or samples (from the table headers)."""
    if moov is None:
        return
    traks = [box for box in children(reader, moov) if box.type == "trak"]
    if len(traks) > limits.max_tracks:
        more = "" if len(traks) < _most_boxes() else " or more"
        raise _limit(f"it has {len(traks)}{more} tracks, past the limit of {limits.max_tracks}", TRACKS_FIX)
    samples = sum(_sample_count(reader, trak) for trak in traks)
    if samples > limits.max_samples:
        raise _limit(
            f"its sample tables list {samples:,} samples, past the limit of {limits.max_samples:,}", INDEX_FIX
        )


def check_matroska(layout: EbmlLayout, limits: Limits) -> None:
    """Refuse a Matroska/WebM whose Tracks element is too large or lists too many tracks."""
    from validator.probe.ebml import MAX_HEADER_ELEMENT

    if layout.tracks_size > MAX_HEADER_ELEMENT:
        raise _limit(
            f"its Tracks element is {_mb(layout.tracks_size)}, past the {_mb(MAX_HEADER_ELEMENT)} limit",
            TRACKS_FIX,
        )
    if layout.track_count > limits.max_tracks:
        raise _limit(f"it has {layout.track_count} tracks, past the limit of {limits.max_tracks}", TRACKS_FIX)


def _sample_count(reader: CachingReader, trak: Box) -> int:
    """The sample count a track's ``stsz``/``stz2`` states (0 when there is none)."""
    box: Box | None = trak
    for kind in ("mdia", "minf", "stbl"):
        box = next((c for c in children(reader, box) if c.type == kind), None) if box else None
    if box is None:
        return 0
    table = next((c for c in children(reader, box) if c.type in _SAMPLE_TABLES), None)
    if table is None:
        return 0
    body = reader.read_at(table.payload + 8, 4)  # version and flags, sample size (or field size)
    return struct.unpack(">I", body)[0] if len(body) == 4 else 0


def _most_boxes() -> int:
    from validator.probe.isobmff import MAX_CHILD_BOXES

    return MAX_CHILD_BOXES


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size / 1024:.0f} KiB"


def _limit(reason: str, fix: str) -> ProbeError:
    return ProbeError(f"the probe did not open the file: {reason}", limit=True, fix=fix)
