"""What the probe learns from the container's own structure before, and beside, FFmpeg: the MP4 box
walk and the EBML head, read through the same cache FFmpeg then reads from.

Each container family's parser is imported only when the first bytes say the file is of that family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from validator.facts import MoovPosition
from validator.probe import sniff
from validator.probe.reader import CachingReader

if TYPE_CHECKING:
    from validator.probe.ebml import EbmlLayout
    from validator.probe.isobmff import IsoLayout


@dataclass(frozen=True, slots=True)
class IsoWalk:
    """The MP4/MOV box walk, done before FFmpeg opens the file, and what a fragmented file's fragments
    say by track id."""

    layout: IsoLayout
    """What the top-level box walk found."""
    durations: dict[int, float] = field(default_factory=dict)
    """Seconds each track lasts, from its first fragment to its last."""
    rates: dict[int, Fraction] = field(default_factory=dict)
    """The frame rate each track's first fragment states."""


def prewalk(reader: CachingReader, head: bytes, *, deep: bool) -> IsoWalk | None:
    """Walk an MP4/MOV's boxes first. A fragmented file's track durations come from its last
    fragment, and FFmpeg is then shown only the first fragment, so it does not visit every ``moof``
    (deep decoding seeks anywhere, so it keeps the whole file).

    Raises ``ProbeError`` (a limit) for an index past the reader's structural limits."""
    if not sniff.is_isobmff(head):
        return None
    from validator.probe import bounds, fragments, isobmff  # each container family imports only its parser

    layout = isobmff.walk(reader)
    bounds.check_moov_size(layout.moov, reader.limits)
    if layout.moov is not None and layout.moov.size is not None:
        reader.prefetch(layout.moov.start, layout.moov.size)  # FFmpeg reads all of it next
    bounds.check_moov(reader, layout.moov, reader.limits)
    if not (layout.fragmented and layout.moov and layout.first_moof):
        return IsoWalk(layout)
    rates = fragments.stated_rates(reader, layout.moov, layout.first_moof)
    durations: dict[int, float] = {}
    if layout.first_fragment_end and not deep:
        durations = fragments.track_durations(reader, layout.moov, layout.first_moof)
        if durations:
            reader.visible = layout.first_fragment_end
    return IsoWalk(layout, durations, rates)


def matroska_head(reader: CachingReader, head: bytes) -> EbmlLayout | None:
    """A Matroska/WebM file's EBML head and track list, read before FFmpeg reads the same bytes (from
    the cache then), as the MP4 walk is."""
    if not sniff.is_ebml(head):
        return None
    from validator.probe import bounds, ebml

    layout = ebml.parse_head(reader)
    bounds.check_matroska(layout, reader.limits)
    return layout


@dataclass(frozen=True, slots=True)
class Identity:
    """What the container walk (not FFmpeg) says about the file as a whole."""

    container: str
    """Container by content (``mp4``, ``mov``, ``webm``, ``isobmff``...), else FFmpeg's demuxer name."""
    brand: str | None = None
    """MP4 major brand or EBML DocType."""
    moov: MoovPosition | None = None
    """MP4/MOV only: index before or after the media data."""
    fragmented: bool | None = None
    """MP4/MOV only: whether there are ``moof`` boxes."""
    truncated: bool = False
    """Whether the structure claims more bytes than the file holds."""
    rotation: int | None = None
    """The video track's rotation from the MP4 ``tkhd`` matrix; ``None``: ask FFmpeg's side data."""


def identity(reader: CachingReader, fmt: str, pre: IsoWalk | None, ebml_head: EbmlLayout | None) -> Identity:
    """The container by content, from the box walk or the EBML head; FFmpeg's demuxer name otherwise."""
    names = fmt.split(",")
    if "mp4" in names or "mov" in names:
        from validator.probe import brands, isobmff

        layout = pre.layout if pre else isobmff.walk(reader)
        return Identity(
            container=brands.container_name(layout.major_brand, layout.compatible_brands),
            brand=layout.major_brand,
            moov=layout.moov_position,
            fragmented=layout.fragmented,
            truncated=layout.truncated,
            rotation=layout.rotation,
        )
    if ebml_head is not None:
        doctype = ebml_head.doctype
        return Identity(
            container=doctype if doctype in ("webm", "matroska") else fmt,
            brand=doctype,
            truncated=ebml_head.truncated,
        )
    return Identity(container=fmt)
