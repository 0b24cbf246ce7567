"""Decode exactly the planned frames: seek where the plan says, decode on otherwise.

One decoder per file, fed from the demuxer, so a VP8/VP9 stream with alpha can be decoded by
libvpx (FFmpeg's native decoders drop the alpha layer, see :mod:`validator.probe.deep`) the same way
as any other stream. Only the frames that are targets are handed on; every other decoded frame is
dropped at once, so memory holds one frame at a time whatever the length.

A decoder of a stream with B-frames holds each frame back until it has seen the packets after it
(their order of display is not known before). When the next target is sought afresh, those packets
are not needed: the decoder is drained right after the target's own packet instead. For a keyframe
sample of 1080p H.264 with 3 B-frames that is one packet decoded instead of three, about a third of
the time.
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
    drain = _Drain()
    while i < len(targets):
        if frames is None or targets[i].seek:
            key_pts, origin = keyframe_of[targets[i].position]
            frames = _frames_from(container, stream, key_pts, decoder, tally, drain)
            drain.drained = False
        drain.after = drain.pts_for(targets, i)
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
                drain.after = drain.pts_for(targets, i)
            if i >= len(targets) or (reached and targets[i].seek):
                break
            if tally.packets - started > SLACK + max(0, targets[i].position - origin):
                tally.failed += 1  # give this one up; the next is sought afresh
                i += 1
                frames = None
                break
        else:
            frames = None
            if i < len(targets) and drain.drained and drain.off != i:
                drain.off = i  # drained before its frame came out: sought again, decoded on past it
            elif i < len(targets):  # the stream ended before this target
                tally.failed += 1
                i += 1


@dataclass(slots=True)
class _Drain:
    after: int | None = None
    """The pts of the packet after which the decoder is drained (the last target before a seek)."""
    drained: bool = False
    """The current run of packets ended in a drain."""
    off: int | None = None
    """A target decoded without draining: its frame did not come out of the drain (a decoder that
    stamps frames otherwise than their packets)."""

    def pts_for(self, targets: list[Target], i: int) -> int | None:
        """Target ``i``'s pts when no target after it is decoded on from it (the next one seeks)."""
        last = i < len(targets) and (i + 1 == len(targets) or targets[i + 1].seek)
        return targets[i].pts if last and i != self.off else None


def _frames_from(
    container: InputContainer,
    stream: VideoStream,
    pts: int,
    decoder: str | None,
    tally: Tally,
    drain: _Drain,
) -> Iterator[VideoFrame]:
    import av

    try:
        container.seek(pts, stream=stream, backward=True, any_frame=False)
    except (av.FFmpegError, OverflowError):
        container.seek(0)
    context: Any = stream.codec_context
    if decoder is not None:
        context = av.codec.CodecContext.create(decoder, "r")
    return _decode(container, stream, context, tally, drain)


def _decode(
    container: InputContainer, stream: VideoStream, context: Any, tally: Tally, drain: _Drain
) -> Iterator[VideoFrame]:
    """The frames decoded from the packets after the seek; after the packet ``drain`` names, the
    frames the decoder still holds, and no more (a seek flushes the drained decoder)."""
    import av

    for packet in container.demux(stream):
        tally.packets += 1
        last = packet.size > 0 and packet.pts is not None and packet.pts == drain.after
        try:
            frames = context.decode(packet if packet.size else None)
            if last:
                drain.drained = True
                frames = [*frames, *context.decode(None)]
        except av.FFmpegError:
            if last:
                return  # the decoder is drained: the next target seeks afresh
            continue  # a damaged packet: the next keyframe recovers
        for frame in frames:
            yield cast("VideoFrame", frame)
        if last:
            return
