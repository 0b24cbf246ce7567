"""Tiny videos for the input tests, made with PyAV in a few milliseconds each: the container (or the
brands) is what these tests are about, not the picture."""

from __future__ import annotations

import struct
from pathlib import Path

CONTAINER_CODECS = {
    "avi": "mpeg4",
    "mpegts": "h264",
    "mxf": "mpeg2video",
    "flv": "flv",
    "asf": "wmv2",
    "mpeg": "mpeg1video",
    "matroska": "h264",
    "mp4": "h264",
}
"""A video codec each muxer takes, all of them in PyAV's own FFmpeg build."""


def tiny_video(path: Path, container: str = "mp4", frames: int = 25) -> Path:
    """A 64x48 video of ``frames`` grey frames at 25 fps in ``container`` (FFmpeg's muxer name)."""
    import av

    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(CONTAINER_CODECS[container], rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame(64, 48, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([16 + i * 4]) * plane.buffer_size)
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def _boxes(data: bytes, start: int, end: int) -> list[tuple[str, int, int]]:
    out = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        out.append((kind.decode("latin-1"), at, at + size))
        at += size
    return out


def _shift_chunk_offsets(data: bytearray, start: int, end: int, delta: int) -> None:
    for kind, at, stop in _boxes(data, start, end):
        if kind in ("moov", "trak", "mdia", "minf", "stbl"):
            _shift_chunk_offsets(data, at + 8, stop, delta)
        elif kind == "stco":
            (count,) = struct.unpack(">I", data[at + 12 : at + 16])
            for i in range(count):
                p = at + 16 + 4 * i
                (offset,) = struct.unpack(">I", data[p : p + 4])
                data[p : p + 4] = struct.pack(">I", offset + delta)


def with_brands(source: Path, target: Path, major: str, compatible: list[str]) -> Path:
    """``source`` (an MP4 whose first box is its ``ftyp``) with its brands replaced, the way a device
    writes them; the chunk offsets follow the media data to wherever the new ``ftyp`` puts it."""
    data = bytearray(source.read_bytes())
    kind, _, old_end = _boxes(data, 0, 8)[0]
    assert kind == "ftyp"
    body = major.encode("latin-1") + b"\0\0\0\0" + b"".join(b.encode("latin-1") for b in compatible)
    ftyp = struct.pack(">I", 8 + len(body)) + b"ftyp" + body
    rest = bytearray(data[old_end:])
    _shift_chunk_offsets(rest, 0, len(rest), len(ftyp) - old_end)
    target.write_bytes(ftyp + rest)
    return target
