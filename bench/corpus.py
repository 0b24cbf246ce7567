"""The benchmark corpus, generated on the spot: realistic files, no downloads.

The long H.264 files are made by the sample generator (one encoded GOP repeated) and then remuxed
with H.264 filler NAL units (type 12, which decoders skip) appended to every video packet, so they
carry a realistic ~7 Mbit/s payload, about 800 MB for 15 minutes, without encoding 15 minutes.
"""

from __future__ import annotations

import shutil
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from samples.generate import VideoSpec, generate
from validator.probe.boxes import iter_boxes

if TYPE_CHECKING:
    from av.stream import Stream

CORPUS_VERSION = "1"
VIDEO_BITRATE = 7_000_000  # bits per second of H.264 in the big files


@dataclass(frozen=True)
class Item:
    """One corpus file and what it stands for."""

    name: str
    path: Path
    kind: str
    """``mp4-faststart``, ``mp4-moov-end``, ``mp4-fragmented``, ``mkv``, ``webm-alpha``, ``webm-live``,
    ``prores``, or ``batch``."""


def _filler(size: int) -> bytes:
    """One length-prefixed H.264 filler NAL unit of ``size`` bytes in all."""
    payload = size - 4 - 2
    return struct.pack(">I", payload + 2) + b"\x0c" + b"\xff" * payload + b"\x80"


def _padded_remux(
    source: Path, target: Path, fmt: str, options: dict[str, str], fps: int, bitrate: int = VIDEO_BITRATE
) -> None:
    import av

    per_frame = bitrate // 8 // fps
    with av.open(str(source)) as inp, av.open(str(target), "w", format=fmt, options=options) as out:
        mapping: dict[int, Stream] = {}
        for stream in inp.streams:
            if stream.type in ("video", "audio"):
                mapping[stream.index] = out.add_stream_from_template(stream)
        for packet in inp.demux():
            if packet.stream.index not in mapping or packet.size == 0:
                continue
            data = bytes(packet)
            if packet.stream.type == "video" and len(data) < per_frame - 16:
                data += _filler(per_frame - len(data))
            copy = av.Packet(data)
            copy.pts, copy.dts, copy.time_base = packet.pts, packet.dts, packet.time_base
            copy.is_keyframe = packet.is_keyframe
            copy.stream = mapping[packet.stream.index]
            out.mux(copy)


FRAGMENTED = "frag_keyframe+empty_moov+default_base_moof"

_REMUXES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("h264-faststart.mp4", "mp4-faststart", "mp4", {"movflags": "+faststart"}),
    ("h264-moov-end.mp4", "mp4-moov-end", "mp4", {}),
    ("h264-fragmented.mp4", "mp4-fragmented", "mp4", {"movflags": FRAGMENTED}),
    ("h264.mkv", "mkv", "matroska", {}),
)
"""(file, kind, muxer, muxer options) of the big H.264 files, each a padded remux of one base file."""


def _generated(seconds: float, fps: int) -> tuple[tuple[str, str, VideoSpec], ...]:
    """(file, kind, spec) of the big files the generator writes directly."""
    alpha = VideoSpec(
        container="webm", codec="vp9", alpha=True, duration=seconds, fps=fps, audio_duration=seconds
    )
    return (
        ("vp9-alpha.webm", "webm-alpha", alpha),
        ("vp9-alpha-live.webm", "webm-live", replace(alpha, live=True)),
        ("prores4444-alpha.mov", "prores", replace(alpha, container="mov", codec="prores")),
    )


def _batch(folder: Path, count: int) -> list[Item]:
    """``count`` copies of one realistic 5.5-minute take."""
    batch_dir = folder / "batch"
    one = folder / "batch-one.mp4"
    if not one.exists():
        generate(
            VideoSpec(
                container="mp4", codec="h264", width=1920, height=1080, duration=330.0, audio_duration=330.0
            ),
            one,
        )
    batch_dir.mkdir(exist_ok=True)
    for i in range(count):
        path = batch_dir / f"take-{i:03d}.mp4"
        if not path.exists():
            shutil.copyfile(one, path)
    return [Item(p.name, p, "batch") for p in sorted(batch_dir.glob("*.mp4"))[:count]]


def build(folder: Path, *, quick: bool = False, batch: int = 200) -> dict[str, list[Item]]:
    """Make (or reuse) the corpus in ``folder``: ``single`` files and the ``batch`` of small long files."""
    folder = folder / (f"v{CORPUS_VERSION}-quick" if quick else f"v{CORPUS_VERSION}")
    folder.mkdir(parents=True, exist_ok=True)
    minutes = 1.0 if quick else 15.0
    seconds, fps = minutes * 60, 30
    base = folder / "base.mp4"
    if not base.exists():
        big = VideoSpec(
            container="mp4",
            codec="h264",
            width=1920,
            height=1080,
            duration=seconds,
            fps=fps,
            audio_duration=seconds,
        )
        generate(big, base)
    singles: list[Item] = []
    for name, kind, fmt, options in _REMUXES:
        path = folder / name
        if not path.exists():
            _padded_remux(base, path, fmt, options, fps)
        singles.append(Item(name, path, kind))
    for name, kind, spec in _generated(seconds, fps):
        path = folder / name
        if not path.exists():
            generate(spec, path)
        singles.append(Item(name, path, kind))
    return {"single": singles, "batch": _batch(folder, 10 if quick else batch)}


def header_size(item: Item) -> int:
    """The bytes a probe cannot avoid: up to the end of ``moov`` (MP4, for a moov-at-end file its size
    plus the ftyp), or the EBML head up to the first Cluster's first block (Matroska)."""
    with item.path.open("rb") as f:  # box headers only, with seeks: never the whole file
        head = f.read(12)
        f.seek(0)
        if head[4:8] == b"ftyp" or head[4:8] in (b"moov", b"mdat", b"free", b"wide"):
            return _mp4_header(f, item.path.stat().st_size)
        return _mkv_header(f)


def _mp4_header(f: BinaryIO, size: int) -> int:
    def read(offset: int, length: int) -> bytes:
        f.seek(offset)
        return f.read(length)

    total = 0
    for box in iter_boxes(read, 0, size):
        if box.type != "mdat":
            total += box.end(size) - box.start
        if box.type == "moof":
            break  # fragmented: the moov and the first fragment's index
    return total


def _mkv_header(f: BinaryIO) -> int:
    data = f.read(4 * 1024 * 1024)
    cluster = data.find(b"\x1f\x43\xb6\x75")
    return cluster + 64 if cluster >= 0 else len(data)
