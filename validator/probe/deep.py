"""``--deep``: decode a few evenly spaced frames and measure the alpha plane.

"Has an alpha channel" and "is transparent" differ: a ProRes 4444 export can carry an alpha plane that
is opaque everywhere. FFmpeg's native VP8/VP9 decoders drop the alpha layer, so those are decoded with
libvpx, fed from the demuxer, which returns yuva420p frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from validator.errors import ProbeError
from validator.facts import DeepAlpha, MediaFacts
from validator.probe.reader import CachingReader

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.codeccontext import VideoCodecContext
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

_PLANAR_ALPHA = {"yuva420p", "yuva422p", "yuva444p"}
_LIBVPX = {"vp9": "libvpx-vp9", "vp8": "libvpx"}
_MAX_PTS = 1 << 62
_MAX_PACKETS_PER_SAMPLE = 600  # a GOP longer than this is not worth decoding for a sample


def sample_alpha(
    container: InputContainer, facts: MediaFacts, *, frames: int, opaque_alpha: int, reader: CachingReader
) -> DeepAlpha:
    """Decode ``frames`` frames spread over the video and count pixels below ``opaque_alpha``."""
    import av

    video = facts.video
    assert video is not None
    stream = next(s for s in container.streams.video if s.index == video.index)
    libvpx = alpha_decoder(facts)
    duration = video.duration or 0.0
    targets = [duration * (i + 0.5) / frames for i in range(frames)] if duration else [0.0]
    opaque = bytes(range(opaque_alpha, 256))
    sampled = transparent = total = 0
    lowest: int | None = None
    alpha_seen = False
    try:
        for seconds in targets:
            if not reader.check():
                break  # the probe reports the limit; what was sampled so far is not a verdict
            frame = frame_at(container, stream, seconds, libvpx)
            if frame is None:
                continue
            sampled += 1
            plane = alpha_bytes(frame)
            if plane is None:
                continue
            alpha_seen = True
            total += len(plane)
            transparent += len(plane.translate(None, opaque))
            low = min(plane[::16]) if plane else None
            if low is not None:
                lowest = low if lowest is None else min(lowest, low)
    except av.FFmpegError as exc:
        raise ProbeError(f"frames could not be decoded: {exc}") from exc
    share = transparent / total if alpha_seen and total else None
    return DeepAlpha(sampled, alpha_seen, share, lowest if alpha_seen else None)


def alpha_decoder(facts: MediaFacts) -> str | None:
    """The libvpx decoder that keeps a VP8/VP9 alpha layer, when the file has one; else ``None``."""
    video = facts.video
    if video is None or not any(p.name == "matroska_alpha_mode" and p.has_alpha for p in facts.alpha.pieces):
        return None
    return _LIBVPX.get(video.codec or "")


def frame_at(
    container: InputContainer, stream: VideoStream, seconds: float, libvpx: str | None
) -> VideoFrame | None:
    """The first frame at or after the keyframe before ``seconds``; decoded by ``libvpx`` if named."""
    import av

    target = int(seconds / stream.time_base) if seconds > 0 and stream.time_base else 0
    if 0 < target < _MAX_PTS:  # a hostile duration of years must not overflow FFmpeg's int64
        try:
            container.seek(target, stream=stream, backward=True)
        except (av.FFmpegError, OverflowError):
            container.seek(0)
    if libvpx is None:
        for frame in container.decode(stream):
            return frame
        return None
    decoder = cast("VideoCodecContext", av.codec.CodecContext.create(libvpx, "r"))
    for count, packet in enumerate(container.demux(stream)):
        if count >= _MAX_PACKETS_PER_SAMPLE:
            break
        if packet.size == 0:
            continue
        for frame in decoder.decode(packet):
            return frame
    for frame in decoder.decode(None):
        return frame
    return None


def alpha_bytes(frame: VideoFrame) -> bytes | None:
    """The alpha plane as one 8-bit byte per pixel, without line padding; ``None`` without alpha."""
    import av

    fmt = frame.format
    if not any(c.is_alpha for c in av.VideoFormat(fmt.name).components):
        return None
    if fmt.name not in _PLANAR_ALPHA:
        frame = frame.reformat(format="yuva420p")
    plane = frame.planes[3]
    width, height, line = plane.width, plane.height, plane.line_size
    raw = memoryview(plane)
    if line == width:
        return bytes(raw[: width * height])
    return b"".join(raw[row * line : row * line + width] for row in range(height))
