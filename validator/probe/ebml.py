"""Matroska/WebM facts FFmpeg does not expose: the EBML DocType, truncation, and the video track's
real duration when the file carries none (a live-written WebM).

The duration comes from the last Cluster near the end of the file: its Timestamp plus the largest
relative timestamp of the video track's blocks, plus one frame. Only the tail is read, never the
middle of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.probe.reader import CachingReader

ID_DOCTYPE = 0x4282
ID_SEGMENT = 0x18538067
ID_INFO = 0x1549A966
ID_TIMESTAMP_SCALE = 0x2AD7B1
ID_DURATION = 0x4489
ID_TRACKS = 0x1654AE6B
ID_TRACK_ENTRY = 0xAE
ID_TRACK_NUMBER = 0xD7
ID_TRACK_TYPE = 0x83
ID_DEFAULT_DURATION = 0x23E383
ID_CLUSTER = 0x1F43B675
ID_CLUSTER_TIMESTAMP = 0xE7
ID_SIMPLE_BLOCK = 0xA3
ID_BLOCK_GROUP = 0xA0
ID_BLOCK = 0xA1
ID_BLOCK_DURATION = 0x9B
CLUSTER_MAGIC = b"\x1f\x43\xb6\x75"
TRACK_TYPE_VIDEO = 1

HEAD_BYTES = 64 * 1024
TAIL_WINDOWS = (32 * 1024, 192 * 1024)
"""Tails read for a live-written file's last cluster: the second only when the first holds none."""
BLOCK_HEADER_BYTES = 11
"""A block's track number (a vint of up to 8 bytes), relative timestamp (2) and flags (1)."""
MAX_ELEMENTS = 100_000
MAX_HEADER_ELEMENT = 1 << 20  # Info and Tracks are a few hundred bytes; larger claims are hostile


@dataclass(frozen=True, slots=True)
class EbmlLayout:
    """What the EBML head and segment header say."""

    doctype: str | None
    """The EBML DocType: ``webm`` or ``matroska``."""
    truncated: bool
    """The Segment claims more bytes than the file holds, or the head itself is cut short."""
    timestamp_scale: int = 1_000_000
    """Nanoseconds per timestamp tick (default 1,000,000)."""
    has_duration: bool = False
    """Whether Segment Info states a Duration (a live-written file has none)."""
    video_track: int | None = None
    """Track number of the first video track."""
    video_default_duration_ns: int | None = None
    """That track's DefaultDuration: one frame, in nanoseconds."""
    first_cluster: int | None = None
    """Absolute offset of the first Cluster, when seen in the head."""
    track_count: int = 0
    """TrackEntry elements in Tracks (0 when Tracks was not read)."""
    tracks_size: int = 0
    """Bytes of the Tracks element as it claims (read only up to :data:`MAX_HEADER_ELEMENT`)."""


def read_vint(data: bytes, pos: int) -> tuple[int, int] | None:
    """An EBML variable-size integer at ``pos``: (value, length); all-ones sizes become -1."""
    if pos >= len(data):
        return None
    first = data[pos]
    if first == 0:
        return None
    length = 9 - first.bit_length()  # the marker is the first set bit
    if pos + length > len(data):
        return None
    value = first if length == 1 else int.from_bytes(data[pos : pos + length], "big")
    ones = (1 << (7 * length)) - 1
    value &= ones
    return (-1, length) if value == ones else (value, length)  # all ones: unknown size


def _element(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(id, size, header_length) of the element at ``pos``; size -1 when unknown.

    The two vints are decoded inline: a cluster's tail holds hundreds of elements, and this runs for
    each (see :func:`read_vint` for the same decoding, commented)."""
    end = len(data)
    if pos >= end or not data[pos]:
        return None
    id_length = 9 - data[pos].bit_length()
    at = pos + id_length
    if at >= end or not data[at]:
        return None
    size_length = 9 - data[at].bit_length()
    if at + size_length > end:
        return None
    eid = int.from_bytes(data[pos:at], "big")
    ones = (1 << (7 * size_length)) - 1
    size = int.from_bytes(data[at : at + size_length], "big") & ones
    return eid, -1 if size == ones else size, id_length + size_length


def _uint(payload: bytes) -> int | None:
    """An EBML unsigned integer: at most 8 bytes, so anything longer is corrupt (``None``), not a number
    with thousands of digits that no later arithmetic survives."""
    if len(payload) > 8:
        return None
    return int.from_bytes(payload, "big") if payload else 0


def parse_head(reader: CachingReader) -> EbmlLayout:
    """Read the EBML header, Segment Info and Tracks from the start of the file."""
    data = reader.read_at(0, HEAD_BYTES)
    head = _element(data, 0)
    if head is None:
        return EbmlLayout(doctype=None, truncated=True)
    _, head_size, hlen = head
    pos = hlen + head_size
    doctype = _doctype(data, hlen, pos)
    seg = _element(data, pos)
    truncated = False
    scale, has_duration = 1_000_000, False
    track: int | None = None
    default_ns: int | None = None
    first_cluster: int | None = None
    track_count = tracks_size = 0
    if seg is None or seg[0] != ID_SEGMENT:
        return EbmlLayout(doctype=doctype, truncated=reader.size <= pos + 4)
    _, seg_size, slen = seg
    seg_start = pos + slen
    if seg_size >= 0 and seg_start + seg_size > reader.size:
        truncated = True
    pos = seg_start
    count = 0
    while count < 64 and pos < reader.size:
        count += 1
        in_head = pos + 16 <= len(data)  # the head read above usually holds Info and Tracks whole
        el = _element(data, pos) if in_head else _element(reader.read_at(pos, 16), 0)
        if el is None:
            break
        eid, size, elen = el
        if eid == ID_CLUSTER:
            first_cluster = pos
            break
        if size < 0:
            break
        if eid == ID_TRACKS:
            tracks_size = max(tracks_size, size)
        if eid in (ID_INFO, ID_TRACKS) and size <= MAX_HEADER_ELEMENT:
            start = pos + elen
            body, at = (data, start) if start + size <= len(data) else (reader.read_at(start, size), 0)
            if eid == ID_INFO:
                scale, has_duration = _parse_info(body, at, at + size)
            else:
                track, default_ns, track_count = _parse_tracks(body, at, at + size)
        pos += elen + size
    return EbmlLayout(
        doctype=doctype,
        truncated=truncated,
        timestamp_scale=scale,
        has_duration=has_duration,
        video_track=track,
        video_default_duration_ns=default_ns,
        first_cluster=first_cluster,
        track_count=track_count,
        tracks_size=tracks_size,
    )


def _doctype(data: bytes, pos: int, end: int) -> str | None:
    """The DocType in the EBML header ``data[pos:end]``."""
    while pos < min(end, len(data)):
        el = _element(data, pos)
        if el is None:
            break
        eid, size, elen = el
        if eid == ID_DOCTYPE:
            return data[pos + elen : pos + elen + size].rstrip(b"\0").decode("ascii", "replace")
        pos += elen + max(size, 0)
    return None


def _parse_info(data: bytes, pos: int, end: int) -> tuple[int, bool]:
    scale, has_duration = 1_000_000, False
    for eid, start, size in _children(data, pos, end):
        if eid == ID_TIMESTAMP_SCALE:
            scale = _uint(data[start : start + size]) or 1_000_000
        elif eid == ID_DURATION:
            has_duration = True
    return scale, has_duration


def _parse_tracks(data: bytes, pos: int, end: int) -> tuple[int | None, int | None, int]:
    """The first video track's number and DefaultDuration, and how many tracks there are."""
    entries = [(start, size) for eid, start, size in _children(data, pos, end) if eid == ID_TRACK_ENTRY]
    for start, size in entries:
        number: int | None = None
        kind: int | None = None
        default_ns: int | None = None
        for cid, cstart, csize in _children(data, start, start + size):
            if cid == ID_TRACK_NUMBER:
                number = _uint(data[cstart : cstart + csize])
            elif cid == ID_TRACK_TYPE:
                kind = _uint(data[cstart : cstart + csize])
            elif cid == ID_DEFAULT_DURATION:
                default_ns = _uint(data[cstart : cstart + csize]) or None
        if kind == TRACK_TYPE_VIDEO and number is not None:
            return number, default_ns, len(entries)
    return None, None, len(entries)


def _children(data: bytes, pos: int, end: int) -> list[tuple[int, int, int]]:
    """(id, payload offset, payload size) of each element in ``data[pos:end]``, copying nothing."""
    out: list[tuple[int, int, int]] = []
    while pos < end and len(out) < MAX_ELEMENTS:
        el = _element(data, pos)
        if el is None or el[1] < 0:
            break
        eid, size, elen = el
        out.append((eid, pos + elen, size))
        pos += elen + size
    return out


def _cluster_blocks(data: bytes, pos: int, track: int) -> tuple[int, int | None] | None:
    """(cluster timestamp, largest relative block timestamp of ``track`` or None) at ``pos``."""
    el = _element(data, pos)
    if el is None or el[0] != ID_CLUSTER:
        return None
    _, size, elen = el
    end = len(data) if size < 0 else min(len(data), pos + elen + size)
    cur = pos + elen
    cluster_ts: int | None = None
    best: int | None = None
    count = 0
    while cur < end and count < MAX_ELEMENTS:
        count += 1
        child = _element(data, cur)
        if child is None:
            break
        cid, csize, clen = child
        if cid == ID_CLUSTER:
            break  # an unknown-size cluster ends where the next begins
        if csize < 0 or cur + clen + csize > end:
            break  # cut short: a truncated tail
        body = cur + clen
        if cid == ID_CLUSTER_TIMESTAMP:
            cluster_ts = _uint(data[body : body + csize])
        elif cid == ID_SIMPLE_BLOCK:
            best = _max_rel(best, _block_rel(data, body, csize, track))
        elif cid == ID_BLOCK_GROUP:
            best = _max_rel(best, _group_rel(data, body, body + csize, track))
        cur = body + csize
    if cluster_ts is None:
        return None
    return cluster_ts, best


def _max_rel(best: int | None, rel: int | None) -> int | None:
    if rel is None:
        return best
    return rel if best is None else max(best, rel)


def _group_rel(data: bytes, pos: int, end: int, track: int) -> int | None:
    """The relative timestamp of the Block in the BlockGroup ``data[pos:end]`` if it is ``track``'s."""
    while pos < end:
        el = _element(data, pos)
        if el is None or el[1] < 0:
            return None
        eid, size, elen = el
        if eid == ID_BLOCK:  # the group's first child in practice: its additions are not read
            return _block_rel(data, pos + elen, size, track)
        pos += elen + size
    return None


def _block_rel(data: bytes, start: int, size: int, track: int) -> int | None:
    """The relative timestamp of the (Simple)Block at ``data[start:start + size]`` if it is ``track``'s;
    only the block's header is read, never its frame."""
    first = data[start] if size >= 3 and start + 3 <= len(data) else 0
    if first & 0x80 and first != 0xFF:  # a one-byte track number, as in nearly every file: no slice
        if first & 0x7F != track:
            return None
        return int.from_bytes(data[start + 1 : start + 3], "big", signed=True)
    header = data[start : start + min(size, BLOCK_HEADER_BYTES)]
    number = read_vint(header, 0)
    if number is None or number[0] != track or len(header) < number[1] + 2:
        return None
    return int.from_bytes(header[number[1] : number[1] + 2], "big", signed=True)


def first_cluster_ticks(reader: CachingReader, layout: EbmlLayout) -> int | None:
    """Timestamp (in ticks) of the first cluster, where the video starts."""
    if layout.first_cluster is None or layout.video_track is None:
        return None
    header = reader.read_at(layout.first_cluster, 64)
    found = _cluster_blocks(header, 0, layout.video_track)
    return found[0] if found is not None else None


def video_duration_from_tail(reader: CachingReader, layout: EbmlLayout, frame_ns: int | None) -> float | None:
    """Seconds from the first video block to the end of the last one, read from the file's tail.

    ``frame_ns`` is one frame's length when the track's DefaultDuration is absent.
    """
    if layout.video_track is None:
        return None
    start_ticks = first_cluster_ticks(reader, layout) or 0
    for window in TAIL_WINDOWS:  # a small tail holds the last cluster of most files
        found = _last_video_block(reader, layout.video_track, window)
        if found is not None or window >= reader.size:
            break
    if found is None:
        return None
    frame = layout.video_default_duration_ns or frame_ns or 0
    end_ns = (found - start_ticks) * layout.timestamp_scale + frame
    # Block timestamps are rounded to the tick; the end can be no more precise than that.
    ticks = round(end_ns / layout.timestamp_scale)
    return ticks * layout.timestamp_scale / 1e9


def _last_video_block(reader: CachingReader, track: int, window: int) -> int | None:
    """Timestamp (ticks) of ``track``'s last block in the last cluster of the file's final ``window``
    bytes that holds one; ``None`` when none does."""
    tail = reader.read_uncached(max(0, reader.size - window), window)
    pos = len(tail)
    while (pos := tail.rfind(CLUSTER_MAGIC, 0, pos)) >= 0:
        found = _cluster_blocks(tail, pos, track)
        if found is not None and found[1] is not None:
            return found[0] + found[1]
    return None
