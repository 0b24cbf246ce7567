"""The sheet's PNG file, written by FFmpeg's PNG encoder (PyAV is loaded anyway to decode the frames).

Pillow's ``Image.save`` loads its five common file-format plugins on first use (``Image.preinit``:
~40 ms on the 2-core bench machine, more than the rest of Pillow's import), and its PNG writer took
30-50 ms on a sheet. FFmpeg's encoder with the same zlib level and a filter chosen per row, as
Pillow's, writes the same size of file in 10-26 ms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from av.video.frame import VideoFrame

LEVEL = 3
"""zlib level of the sheet's PNG: level 6 took twice as long for a file a few per cent smaller."""
_OPTIONS = {"compression_level": str(LEVEL), "pred": "mixed"}
"""``mixed``: each row with the filter that suits it; unfiltered rows of a photo-like sheet came out
half as large again."""


def encode(rgb: bytes, width: int, height: int) -> bytes:
    """The PNG file of an RGB24 picture given row after row without padding."""
    import av

    if width <= 0 or height <= 0 or len(rgb) != width * height * 3:
        raise ValueError(f"{len(rgb)} bytes are not {width}x{height} RGB24 pixels")
    frame = av.VideoFrame(width, height, "rgb24")
    fill(frame, rgb)
    encoder = av.codec.CodecContext.create("png", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "rgb24"
    encoder.options = dict(_OPTIONS)
    return b"".join(bytes(p) for p in [*encoder.encode(frame), *encoder.encode(None)])


def fill(frame: VideoFrame, rgb: bytes) -> None:
    """Set an RGB24 frame's pixels from rows without padding."""
    plane, row = frame.planes[0], frame.width * 3
    if plane.line_size == row:
        plane.update(rgb)
        return
    pad = b"\0" * (plane.line_size - row)  # FFmpeg pads each line to its alignment: copy row by row
    plane.update(b"".join(rgb[y * row : (y + 1) * row] + pad for y in range(frame.height)))
