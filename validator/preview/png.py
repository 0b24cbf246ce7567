"""Writing and reading RGB24 pictures as PNG with PyAV's png codec: no imaging library needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from av.video.frame import VideoFrame


def encode(rgb: bytes | bytearray, width: int, height: int) -> bytes:
    """PNG bytes of an RGB24 picture given row after row without padding."""
    import av

    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    row = width * 3
    if plane.line_size == row:
        plane.update(bytes(rgb))
    else:  # FFmpeg pads each line to its alignment: copy row by row
        pad = b"\0" * (plane.line_size - row)
        plane.update(b"".join(bytes(rgb[y * row : (y + 1) * row]) + pad for y in range(height)))
    encoder = av.codec.CodecContext.create("png", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "rgb24"
    packets = [*encoder.encode(frame), *encoder.encode(None)]
    return b"".join(bytes(p) for p in packets)


def rgb_rows(frame: VideoFrame) -> bytes:
    """An RGB24 frame's pixels row after row, without FFmpeg's line padding."""
    plane = frame.planes[0]
    row = frame.width * 3
    raw = memoryview(plane)
    if plane.line_size == row:
        return bytes(raw[: row * frame.height])
    return b"".join(raw[y * plane.line_size : y * plane.line_size + row] for y in range(frame.height))


def decode(path: str) -> tuple[int, int, bytes]:
    """Width, height and RGB24 pixels of a PNG file (for tests and for people checking a sheet)."""
    import av

    with av.open(path) as container:
        frame = next(container.decode(video=0)).reformat(format="rgb24")
    return frame.width, frame.height, rgb_rows(frame)
