"""Decode exactly the planned frames: seek where the plan says, decode on otherwise.

One decoder per file, fed from the demuxer, so a VP8/VP9 stream with alpha can be decoded by
libvpx (FFmpeg's native decoders drop the alpha layer, see :mod:`validator.probe.deep`) the same way
as any other stream. Only the frames that are targets are handed on; every other decoded frame is
dropped at once, so memory holds one frame at a time whatever the length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from validator.content.plan import Target

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

SLACK = 64
"""Packets decoded past a target's planned cost before it counts as undecodable (reordering, a
timestamp the decoder reports differently)."""


@dataclass(slots=True)
class Tally:
    """What the decoding cost and missed."""

    packets: int = 0
    """Packets sent to the decoder."""
    failed: int = 0
    """Targets that could not be decoded."""


def decoded(
    container: InputContainer,
    stream: VideoStream,
    targets: list[Target],
    *,
    keyframe_of: dict[int, tuple[int, int]],
    decoder: str | None = None,
    tally: Tally | None = None,
) -> Iterator[tuple[Target, VideoFrame]]:
    """Each target that could be decoded with its frame (the first frame shown at or after it), in
    presentation order. ``keyframe_of`` gives, by a target's position, the (pts, position) of the
    keyframe a seek for it lands on."""
    tally = tally if tally is not None else Tally()
    i = 0
    frames: Iterator[VideoFrame] | None = None
    origin = 0
    """Decode position the current run of packets started from: what a target may cost is counted
    from there."""
    while i < len(targets):
        if frames is None or targets[i].seek:
            key_pts, origin = keyframe_of[targets[i].position]
            frames = _frames_from(container, stream, key_pts, decoder, tally)
        started = tally.packets
        for frame in frames:
            pts = frame.pts
            if pts is None:
                continue
            reached = False
            while i < len(targets) and pts >= targets[i].pts:
                yield targets[i], frame
                origin = max(origin, targets[i].position)
                i += 1
                reached = True
                started = tally.packets
            if i >= len(targets) or (reached and targets[i].seek):
                break
            if tally.packets - started > SLACK + max(0, targets[i].position - origin):
                tally.failed += 1  # give this one up; the next is sought afresh
                i += 1
                frames = None
                break
        else:
            frames = None
            if i < len(targets):  # the stream ended before this target
                tally.failed += 1
                i += 1


def _frames_from(
    container: InputContainer, stream: VideoStream, pts: int, decoder: str | None, tally: Tally
) -> Iterator[VideoFrame]:
    import av

    try:
        container.seek(pts, stream=stream, backward=True, any_frame=False)
    except (av.FFmpegError, OverflowError):
        container.seek(0)
    context: Any = stream.codec_context
    if decoder is not None:
        context = av.codec.CodecContext.create(decoder, "r")
    return _decode(container, stream, context, tally)


def _decode(
    container: InputContainer, stream: VideoStream, context: Any, tally: Tally
) -> Iterator[VideoFrame]:
    import av

    for packet in container.demux(stream):
        tally.packets += 1
        try:
            frames = context.decode(packet if packet.size else None)
        except av.FFmpegError:
            continue  # a damaged packet: the next keyframe recovers
        for frame in frames:
            yield cast("VideoFrame", frame)
