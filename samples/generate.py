"""Fast generator of long, realistic test videos, with PyAV only (no ``ffmpeg`` executable).

A 16-minute 1080p file is made in about a second and weighs a few MB, because almost nothing is
encoded more than once:

* **GOP repeat** (H.264, HEVC, VP8, VP9; intra codecs outside MP4/MOV): one closed GOP is encoded
  (keyframe first, no B-frames, no alt-ref frames) with the output stream's own encoder, and its
  packets (bytes, keyframe flag and side data: the VP8/VP9 alpha layer travels as Matroska
  ``BlockAdditional`` side data) are muxed again and again with rising timestamps; the last GOP is
  cut so the frame count is exact. Intra-only codecs cycle three distinct frames instead of a GOP.
  Audio is one cycle of a soft tone burst, encoded once and repeated the same way.
* **Shared samples** (ProRes, PNG, QuickTime Animation, FFV1 in MP4/MOV): a short file holding a few
  stored frames is written, then the video track's sample tables are rewritten so that every
  sample of the long video points at one of the stored frames (QuickTime Animation, which has
  inter frames: at the stored GOP). The data is stored once; FFmpeg decodes it like any file.

Exactness: the video has ``round(duration * fps)`` frames and its stream duration is exactly
``frames / fps`` (MP4/MOV ``mdhd``; Matroska ``DURATION`` tag), the audio exactly
``round(audio_duration * sample_rate)`` samples.

Use::

    from samples.generate import VideoSpec, generate
    generate(VideoSpec("mp4", duration=300.0, fps=30, audio_duration=300.0), "x.mp4")

    python -m samples.generate OUT.mp4 --container mp4 --codec h264 --duration 360 --audio 360
    python -m samples.generate --demo samples/demo
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import math
import os
import pathlib
import struct
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

__all__ = [
    "CODECS",
    "CONTAINERS",
    "MatroskaLayout",
    "VideoSpec",
    "generate",
    "main",
    "make_demo_samples",
    "matroska_layout",
    "mp4_top_level_boxes",
]

# --------------------------------------------------------------------------------------------------
# Public description of a file to make
# --------------------------------------------------------------------------------------------------

CONTAINERS: dict[str, str] = {"mp4": "mp4", "mov": "mov", "webm": "webm", "mkv": "matroska"}
"""Container name of a :class:`VideoSpec` -> FFmpeg muxer. The file extension is never consulted."""

CODECS: tuple[str, ...] = ("h264", "hevc", "vp8", "vp9", "prores", "png", "qtrle", "ffv1")


@dataclass(frozen=True)
class VideoSpec:
    """What to generate. Every field has the meaning described in ``samples/README.md``."""

    container: str
    """``mp4``, ``mov``, ``webm`` or ``mkv``: chooses the muxer (never the file extension)."""
    codec: str = "h264"
    """``h264``, ``hevc``, ``vp8``, ``vp9``, ``prores``, ``png``, ``qtrle`` or ``ffv1``."""
    width: int = 1920
    height: int = 1080
    duration: float = 360.0
    """Seconds of video; the frame count is ``round(duration * fps)``."""
    fps: int = 25
    """Nominal (constant) frame rate."""
    alpha: bool = False
    """Encode an alpha channel: an opaque centred subject on a fully transparent background."""
    alpha_opaque: bool = False
    """With ``alpha``: the alpha channel exists but every pixel is fully opaque."""
    audio_duration: float | None = None
    """``None``: no audio track; else seconds of audio (AAC; Opus in WebM). May exceed the video."""
    rotation: int = 0
    """0/90/180/270: clockwise display rotation written in the video ``tkhd`` matrix (MP4/MOV)."""
    faststart: bool = True
    """MP4/MOV: ``moov`` before ``mdat`` (True) or after it (False, the muxer's default)."""
    fragmented: bool = False
    """MP4/MOV: fragmented (``frag_keyframe+empty_moov+default_base_moof``)."""
    live: bool = False
    """WebM/MKV: written as a live stream (no Duration, no DURATION tags, no Cues)."""
    sar: tuple[int, int] | None = None
    """Non-square sample aspect ratio written into the stream (and the H.264/HEVC VUI)."""
    variable_fps: bool = False
    """Irregular timestamps: every 6th frame slot is skipped (the previous frame lasts two ticks),
    so the average rate is 5/6 of the nominal ``fps`` while the duration stays ``duration``."""
    gop_seconds: float = 2.0
    """Keyframe interval of the repeated GOP."""
    profile: str | None = None
    """ProRes profile for ``prores_ks`` (``proxy``, ``lt``, ``standard``, ``hq``, ``4444``,
    ``4444xq``); default ``4444`` with alpha, ``hq`` without. Ignored by the other codecs."""

    @property
    def frame_slots(self) -> int:
        """Frame-duration ticks (``1/fps`` each) the video lasts."""
        return round(self.duration * self.fps)

    @property
    def frame_count(self) -> int:
        """Frames in the video stream."""
        slots = self.frame_slots
        if not self.variable_fps:
            return slots
        return slots - slots // _VFR_PERIOD

    @property
    def video_seconds(self) -> Fraction:
        """Exact duration of the video stream."""
        return Fraction(self.frame_slots, self.fps)


_VFR_PERIOD = 6  # with variable_fps, the last slot of every 6 has no frame of its own


@dataclass(frozen=True)
class _Style:
    """Knobs not in the public spec: quality and how busy the content is (the demos use them)."""

    quality: int | None = None
    """Codec-specific constant-quality value (crf); ``None``: the codec's default below."""
    motion_frames: int | None = None
    """The bar moves during the first this many frames of every GOP; ``None``: the whole GOP."""
    audio_rate: int = 48000
    """AAC sample rate (Opus is always 48 kHz)."""
    audio_bit_rate: int = 32000
    tone_share: float = 0.15
    """Share of every audio cycle holding a soft tone (the rest is silence)."""
    tone_amplitude: float = 0.02
    opus_frame_ms: int = 20


_DEFAULT_STYLE = _Style()


# --------------------------------------------------------------------------------------------------
# Codecs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Codec:
    encoder: str
    pix_fmt: str
    alpha_pix_fmt: str | None
    shared_in_mp4: bool
    """In MP4/MOV (not fragmented): store the frames once and point every sample at them."""
    stored_frames: int
    """Intra-only codecs: distinct frames cycled (every one a keyframe); 0: one GOP repeats."""


_CODEC_TABLE: dict[str, _Codec] = {
    "h264": _Codec("libx264", "yuv420p", None, False, 0),
    "hevc": _Codec("libx265", "yuv420p", None, False, 0),
    "vp8": _Codec("libvpx", "yuv420p", "yuva420p", False, 0),
    "vp9": _Codec("libvpx-vp9", "yuv420p", "yuva420p", False, 0),
    "prores": _Codec("prores_ks", "yuv422p10le", "yuva444p10le", True, 3),
    "png": _Codec("png", "rgb24", "rgba", True, 3),
    "qtrle": _Codec("qtrle", "rgb24", "argb", True, 0),
    "ffv1": _Codec("ffv1", "yuv420p", "yuva420p", True, 3),
}

_PRORES_PROFILES = ("proxy", "lt", "standard", "hq", "4444", "4444xq")


def _prores_profile(spec: VideoSpec) -> str:
    profile = spec.profile or ("4444" if spec.alpha else "hq")
    if profile not in _PRORES_PROFILES:
        raise ValueError(f"unknown ProRes profile {profile!r}; one of {_PRORES_PROFILES}")
    if spec.alpha and not profile.startswith("4444"):
        raise ValueError("ProRes with alpha needs profile 4444 or 4444xq")
    return profile


def _pix_fmt(spec: VideoSpec) -> str:
    info = _CODEC_TABLE[spec.codec]
    if spec.alpha:
        assert info.alpha_pix_fmt is not None
        return info.alpha_pix_fmt
    if spec.codec == "prores" and _prores_profile(spec).startswith("4444"):
        return "yuv444p10le"
    return info.pix_fmt


def _encoder_options(spec: VideoSpec, gop: int, style: _Style) -> dict[str, str]:
    """Encoder options: closed GOPs of exactly ``gop`` frames, no reordering, small output."""
    q = style.quality
    codec = spec.codec
    if codec == "h264":
        # CAVLC codes an all-skip P-frame in ~30 bytes (CABAC: ~80): the repeated GOP stays small.
        params = f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:open-gop=0:cabac=0"
        return {"preset": "veryfast", "crf": str(q if q is not None else 32), "x264-params": params}
    if codec == "hevc":
        params = (f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:open-gop=0"
                  ":repeat-headers=0:info=0:log-level=error")
        crf = str(q if q is not None else 32)
        return {"preset": "ultrafast", "crf": crf, "x265-params": params}
    if codec == "vp9":
        return {
            "deadline": "realtime", "cpu-used": "8", "crf": str(q if q is not None else 50),
            "b": "0", "lag-in-frames": "0", "auto-alt-ref": "0", "tile-columns": "0",
            "row-mt": "1", "keyint_min": str(gop),
        }
    if codec == "vp8":
        # VP8 alpha needs auto-alt-ref=0; a high static threshold keeps unchanged blocks skipped.
        return {
            "deadline": "realtime", "cpu-used": "-16", "crf": str(q if q is not None else 40),
            "b": "500k", "lag-in-frames": "0", "auto-alt-ref": "0", "static-thresh": "100000",
            "keyint_min": str(gop),
        }
    if codec == "prores":
        return {"profile": _prores_profile(spec), "vendor": "apl0"}
    if codec == "ffv1":
        # Golomb-Rice coding has a run mode: flat content costs ~4x less than the range coder.
        return {"level": "3", "coder": "0", "context": "0", "slices": "4", "slicecrc": "1"}
    return {}


# --------------------------------------------------------------------------------------------------
# Picture content: a blocky ellipse (the "subject") with a small moving bar
# --------------------------------------------------------------------------------------------------

_CELL = 16  # every shape edge lies on the 16-pixel macroblock grid: flat blocks cost almost nothing


class _Canvas:
    """Builds 8-bit YUV 4:2:0 frames (with an alpha plane when asked) and converts them."""

    BG = (70, 150, 110)  # Y, U, V of the opaque background (a dark teal)
    FG = (170, 110, 150)  # Y, U, V of the subject (a warm, skin-like tone)
    BAR_Y = 235

    def __init__(self, spec: VideoSpec, pix_fmt: str) -> None:
        self.w, self.h = spec.width, spec.height
        self.alpha = spec.alpha
        self.transparent_bg = spec.alpha and not spec.alpha_opaque
        self.out_fmt = pix_fmt
        self.src_fmt = "yuva420p" if spec.alpha else "yuv420p"
        proto = av.VideoFrame(self.w, self.h, self.src_fmt)
        self.line = [p.line_size for p in proto.planes]
        self.plane_dims = [(p.width, p.height) for p in proto.planes]
        self.spans = self._spans()
        self.planes = [self._plane(i) for i in range(len(proto.planes))]
        self._deep_alpha_cache: bytes | None = None
        # The bar: luma only, on the grid, inside the subject, stepping one cell per frame.
        cells_w = self.w // _CELL
        self.bar_w = max(1, cells_w // 10) * _CELL
        self.bar_h = _CELL * (2 if self.h >= 480 else 1)
        self.bar_y = min(max(0, (self.h * 5 // 8) // _CELL * _CELL), max(0, self.h - self.bar_h))
        x0, x1 = self.spans[min(self.bar_y // _CELL, len(self.spans) - 1)]
        if x1 - x0 < self.bar_w + _CELL:
            x0, x1 = 0, self.w
        self.bar_x0 = x0
        self.bar_positions = max(1, (x1 - x0 - self.bar_w) // _CELL + 1)

    def _spans(self) -> list[tuple[int, int]]:
        """Per 16-row band: [x0, x1) of the subject in luma pixels, on the 16-pixel grid.

        An ellipse 60% as wide and 84% as tall as the frame: about 40% of the picture.
        """
        cx, cy = self.w / 2, self.h / 2
        a, b = 0.30 * self.w, 0.42 * self.h
        spans = []
        for band in range(-(-self.h // _CELL)):
            yc = (band + 0.5) * _CELL - cy
            t = 1.0 - (yc / b) ** 2
            if t <= 0:
                spans.append((0, 0))
                continue
            half = a * math.sqrt(t)
            x0 = max(0, round((cx - half) / _CELL) * _CELL)
            x1 = min(self.w, round((cx + half) / _CELL) * _CELL)
            spans.append((x0, max(x0, x1)))
        return spans

    def _plane(self, index: int) -> bytes:
        if index == 3:  # alpha
            bg, fg = (0 if self.transparent_bg else 255), 255
        elif self.transparent_bg:
            bg, fg = (16, 128, 128)[index], self.FG[index]
        else:
            bg, fg = self.BG[index], self.FG[index]
        pw, ph = self.plane_dims[index]
        return self._paint(pw, ph, self.line[index], bytes([bg]), bytes([fg]))

    def _paint(self, pw: int, ph: int, line_size: int, bg: bytes, fg: bytes) -> bytes:
        """A ``pw`` x ``ph`` plane of ``len(bg)``-byte samples: ``fg`` inside the subject."""
        sx, sy = self.w / pw, self.h / ph
        pad = bytes(line_size - pw * len(bg))
        rows: dict[tuple[int, int], bytes] = {}
        out = []
        for y in range(ph):
            x0, x1 = self.spans[min(int(y * sy) // _CELL, len(self.spans) - 1)]
            px0, px1 = min(pw, int(x0 / sx)), min(pw, int(x1 / sx))
            row = rows.get((px0, px1))
            if row is None:
                row = bg * px0 + fg * (px1 - px0) + bg * (pw - px1) + pad
                rows[(px0, px1)] = row
            out.append(row)
        return b"".join(out)

    def frame(self, index: int, motion_frames: int | None) -> av.VideoFrame:
        """Picture ``index`` of a GOP: the bar advances one cell per frame (then rests)."""
        step = index if motion_frames is None else min(index, max(0, motion_frames - 1))
        pos = step % (2 * self.bar_positions - 2) if self.bar_positions > 1 else 0
        if pos >= self.bar_positions:  # back and forth
            pos = 2 * self.bar_positions - 2 - pos
        x = self.bar_x0 + pos * _CELL
        luma = bytearray(self.planes[0])
        ls = self.line[0]
        bar = bytes([self.BAR_Y]) * min(self.bar_w, self.w - x)
        for r in range(self.bar_y, min(self.h, self.bar_y + self.bar_h)):
            luma[r * ls + x : r * ls + x + len(bar)] = bar
        frame = av.VideoFrame(self.w, self.h, self.src_fmt)
        frame.planes[0].update(bytes(luma))
        for i in range(1, len(self.planes)):
            frame.planes[i].update(self.planes[i])
        if self.out_fmt != self.src_fmt:
            frame = frame.reformat(format=self.out_fmt)
            if self.alpha and self.out_fmt.startswith("yuva") and self.out_fmt.endswith("le"):
                # swscale widens 8-bit alpha 255 to 1020, not 1023: paint the deep alpha plane
                # directly so that opaque really is the maximum.
                frame.planes[3].update(self._deep_alpha(frame.planes[3]))
        return frame

    def _deep_alpha(self, plane: av.video.plane.VideoPlane) -> bytes:
        if self._deep_alpha_cache is None:
            bits = int("".join(ch for ch in self.out_fmt.split("p")[-1] if ch.isdigit()) or 16)
            top = struct.pack("<H", (1 << bits) - 1)
            bg = bytes(2) if self.transparent_bg else top
            self._deep_alpha_cache = self._paint(plane.width, plane.height, plane.line_size, bg,
                                                 top)
        return self._deep_alpha_cache


# --------------------------------------------------------------------------------------------------
# Encoding the repeated material
# --------------------------------------------------------------------------------------------------


def _encode_video(stream: av.video.stream.VideoStream, canvas: _Canvas, count: int, fps: int,
                  motion_frames: int | None) -> list[av.Packet[Any]]:
    """Encode ``count`` pictures with the output stream's own encoder; check the GOP is closed."""
    packets: list[av.Packet[Any]] = []
    tb = Fraction(1, fps)
    for i in range(count):
        frame = canvas.frame(i, motion_frames)
        frame.pts = i
        frame.time_base = tb
        if i == 0:
            with contextlib.suppress(AttributeError, TypeError, ValueError):  # other PyAV
                frame.pict_type = av.video.frame.PictureType.I
        packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    if len(packets) != count:
        raise RuntimeError(
            f"{stream.codec_context.name}: {len(packets)} packets for {count} frames")
    if not packets[0].is_keyframe:
        raise RuntimeError(f"{stream.codec_context.name}: the GOP does not start with a keyframe")
    for i, p in enumerate(packets):
        if p.pts is not None and p.dts is not None and p.pts != p.dts:
            raise RuntimeError(f"{stream.codec_context.name}: frame {i} is reordered (B-frames?)")
    return packets


def _audio_cycle(stream: av.audio.stream.AudioStream, style: _Style) -> list[av.Packet[Any]]:
    """Encode three cycles of a soft tone burst and keep the packets of the middle one.

    A cycle is a whole number of codec frames long and the tone has a whole number of periods in
    it, so in the steady state every run of one cycle's packets repeats seamlessly. The first cycle
    (encoder start-up, pre-skip) and the last (flush, end trimming) are dropped.
    """
    ctx = stream.codec_context
    ctx.open()
    frame_size = ctx.frame_size
    rate = ctx.sample_rate
    per_cycle = max(1, round(rate / frame_size))  # about one second
    cycle = per_cycle * frame_size
    periods = max(1, round(440 * cycle / rate))  # ~440 Hz
    tone = max(0, min(cycle, int(cycle * style.tone_share)))
    fade = min(tone // 2, rate // 200)  # 5 ms ramps: no clicks
    fmt = ctx.format.name
    values = []
    for n in range(cycle):
        if n >= tone:
            values.append(0.0)
            continue
        env = 1.0
        if fade:
            env = min(1.0, n / fade, (tone - n) / fade)
        values.append(style.tone_amplitude * env * math.sin(2 * math.pi * periods * n / cycle))
    if fmt in ("flt", "fltp"):
        pcm = struct.pack(f"<{cycle}f", *values)
        width = 4
    elif fmt in ("s16", "s16p"):
        pcm = struct.pack(f"<{cycle}h", *(round(v * 32767) for v in values))
        width = 2
    else:  # pragma: no cover - no encoder used here has another format
        raise RuntimeError(f"unexpected audio sample format {fmt}")
    packets: list[av.Packet[Any]] = []
    tb = Fraction(1, rate)
    for rep in range(3):
        for k in range(per_cycle):
            frame = av.AudioFrame(format=fmt, layout=ctx.layout.name, samples=frame_size)
            frame.planes[0].update(pcm[k * frame_size * width : (k + 1) * frame_size * width])
            frame.sample_rate = rate
            frame.pts = (rep * per_cycle + k) * frame_size
            frame.time_base = tb
            packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    packets.sort(key=lambda p: p.pts if p.pts is not None else 0)
    if len(packets) < 3 * per_cycle:
        raise RuntimeError(f"{ctx.name}: {len(packets)} packets for {3 * per_cycle} frames")
    kept = packets[per_cycle : 2 * per_cycle]
    if any(hasattr(p, "has_sidedata") and p.has_sidedata("skip_samples") for p in kept):
        raise RuntimeError(f"{ctx.name}: trimming side data inside the steady state")
    return kept


# --------------------------------------------------------------------------------------------------
# Schedules and muxing
# --------------------------------------------------------------------------------------------------


def _video_schedule(spec: VideoSpec, count: int | None = None) -> Iterator[tuple[int, int, int]]:
    """(pts in ticks of 1/fps, duration in ticks, frame index) for every frame."""
    slots = spec.frame_slots
    n = 0
    for t in range(slots):
        if spec.variable_fps and t % _VFR_PERIOD == _VFR_PERIOD - 1:
            continue
        nxt = t + 1
        if spec.variable_fps and nxt % _VFR_PERIOD == _VFR_PERIOD - 1:
            nxt += 1
        yield t, min(nxt, slots) - t, n
        n += 1
        if count is not None and n >= count:
            return


def _audio_schedule(total: int, frame_size: int) -> Iterator[tuple[int, int, int]]:
    """(pts in samples, duration in samples, packet index) for ``total`` samples."""
    n = -(-total // frame_size)
    for i in range(n):
        pts = i * frame_size
        yield pts, min(frame_size, total - pts), i


@dataclass
class _Track:
    """Stored packets of one stream and when to mux copies of them."""

    packets: list[av.Packet[Any]]
    schedule: Iterator[tuple[int, int, int]]
    """(pts, duration, index) in ticks of ``1/rate``; packet ``index % len(packets)`` is used."""
    rate: int


def _mux(container: av.container.OutputContainer, tracks: list[_Track]) -> None:
    """Mux copies of the stored packets of every track, interleaved by time (ties: first track).

    ``mux_one`` muxes a new reference to the packet (PyAV has done so since 2018), so one Packet
    object, keyframe flag and side data included, can be muxed again and again.
    """
    heads = [next(t.schedule, None) for t in tracks]
    bases = [Fraction(1, t.rate) for t in tracks]
    mux = container.mux_one
    while True:
        best = -1
        best_head: tuple[int, int, int] | None = None
        for k, head in enumerate(heads):
            if head is None:
                continue
            if best_head is None or head[0] * tracks[best].rate < best_head[0] * tracks[k].rate:
                best, best_head = k, head
        if best_head is None:
            return
        pts, dur, i = best_head
        track = tracks[best]
        packet = track.packets[i % len(track.packets)]
        packet.time_base = bases[best]
        packet.pts = pts
        packet.dts = pts
        packet.duration = dur
        mux(packet)
        heads[best] = next(track.schedule, None)


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


def _validate(spec: VideoSpec) -> None:
    if spec.container not in CONTAINERS:
        raise ValueError(f"container must be one of {sorted(CONTAINERS)}, not {spec.container!r}")
    if spec.codec not in _CODEC_TABLE:
        raise ValueError(f"codec must be one of {CODECS}, not {spec.codec!r}")
    if spec.width <= 0 or spec.height <= 0:
        raise ValueError("width and height must be positive")
    if _CODEC_TABLE[spec.codec].pix_fmt.endswith("420p") and (spec.width % 2 or spec.height % 2):
        raise ValueError("4:2:0 codecs need an even width and height")
    if not isinstance(spec.fps, int) or spec.fps <= 0:
        raise ValueError("fps must be a positive integer")
    if spec.frame_count < 1:
        raise ValueError("duration * fps must give at least one frame")
    if spec.alpha and _CODEC_TABLE[spec.codec].alpha_pix_fmt is None:
        raise ValueError(f"{spec.codec} cannot carry alpha here (x264/x265 have no alpha layer)")
    if spec.alpha_opaque and not spec.alpha:
        raise ValueError("alpha_opaque needs alpha=True")
    if spec.codec == "vp8" and spec.container in ("mp4", "mov"):
        raise ValueError("FFmpeg cannot write VP8 into MP4/MOV: use webm or mkv")
    if spec.alpha and spec.codec in ("vp8", "vp9") and spec.container in ("mp4", "mov"):
        raise ValueError("VP8/VP9 alpha lives in Matroska BlockAdditions: use webm or mkv")
    if spec.rotation not in (0, 90, 180, 270):
        raise ValueError("rotation must be 0, 90, 180 or 270")
    if spec.rotation and spec.container not in ("mp4", "mov"):
        raise ValueError("rotation is written only into MP4/MOV (tkhd matrix)")
    if spec.fragmented and spec.container not in ("mp4", "mov"):
        raise ValueError("fragmented applies to MP4/MOV")
    if spec.live and spec.container not in ("webm", "mkv"):
        raise ValueError("live applies to WebM/MKV")
    if spec.audio_duration is not None and spec.audio_duration <= 0:
        raise ValueError("audio_duration must be positive (or None for no audio)")
    if spec.gop_seconds <= 0:
        raise ValueError("gop_seconds must be positive")
    if spec.sar is not None and (len(spec.sar) != 2 or spec.sar[0] <= 0 or spec.sar[1] <= 0):
        raise ValueError("sar must be two positive integers")
    if spec.codec == "prores":
        _prores_profile(spec)


def generate(spec: VideoSpec, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write the video described by ``spec`` to ``path`` and return the path."""
    return _generate(spec, path, _DEFAULT_STYLE)


def _generate(spec: VideoSpec, path: str | os.PathLike[str], style: _Style) -> pathlib.Path:
    _validate(spec)
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    info = _CODEC_TABLE[spec.codec]
    is_mp4 = spec.container in ("mp4", "mov")
    shared = is_mp4 and info.shared_in_mp4 and not spec.fragmented
    gop = max(1, min(round(spec.gop_seconds * spec.fps), spec.frame_count))
    if info.stored_frames:
        gop = 1  # intra-only: every frame is a keyframe; a few distinct ones are cycled
        stored = min(info.stored_frames, spec.frame_count)
    else:
        stored = gop

    muxer = CONTAINERS[spec.container]
    # bitexact: no random Matroska UIDs, so the same spec always gives the same bytes
    options: dict[str, str] = {"fflags": "+bitexact"}
    if is_mp4:
        flags = []
        if spec.fragmented:
            flags = ["frag_keyframe", "empty_moov", "default_base_moof"]
        elif spec.faststart and not shared:  # shared mode moves the moov itself
            flags = ["faststart"]
        if flags:
            options["movflags"] = "+".join(flags)
        options["use_editlist"] = "0"  # video starts at 0: no edit list to confuse durations
    elif spec.live:
        options["live"] = "1"

    pix_fmt = _pix_fmt(spec)
    canvas = _Canvas(spec, pix_fmt)
    # Encode into memory first when the container is rewritten afterwards (shared mode).
    target: str | io.BytesIO = io.BytesIO() if shared else str(out)
    container = av.open(target, "w", format=muxer, options=options)
    try:
        vstream = container.add_stream(info.encoder, rate=spec.fps,
                                       options=_encoder_options(spec, gop, style))
        assert isinstance(vstream, av.video.stream.VideoStream)
        ctx = vstream.codec_context
        ctx.width, ctx.height = spec.width, spec.height
        ctx.pix_fmt = pix_fmt
        ctx.time_base = Fraction(1, spec.fps)
        vstream.time_base = Fraction(1, spec.fps)
        ctx.gop_size = gop
        ctx.max_b_frames = 0
        ctx.thread_count = 0
        ctx.thread_type = "FRAME"  # one slice per picture (slice threads would cut every frame)
        if spec.codec in ("vp8", "vp9"):
            ctx.bit_rate = 0 if spec.codec == "vp9" else 500_000
        if spec.sar is not None:
            ctx.sample_aspect_ratio = Fraction(*spec.sar)
        if spec.codec == "hevc" and is_mp4:
            ctx.codec_tag = "hvc1"  # what Apple devices write (FFmpeg's default is hev1)
        rotation_patch = 0
        if spec.rotation:
            if hasattr(vstream, "set_display_rotation"):
                # PyAV's angle is counter-clockwise; phones' (and the spec's) is clockwise.
                vstream.set_display_rotation(-spec.rotation)
            else:  # older PyAV: patch the tkhd matrix after writing
                rotation_patch = spec.rotation

        astream = None
        if spec.audio_duration is not None:
            if spec.container == "webm":
                astream = container.add_stream(
                    "libopus", rate=48000,
                    options={"frame_duration": str(style.opus_frame_ms), "application": "audio"})
            else:
                astream = container.add_stream("aac", rate=style.audio_rate)
            actx = astream.codec_context
            actx.layout = "mono"
            actx.bit_rate = style.audio_bit_rate
            actx.time_base = Fraction(1, actx.sample_rate)

        vpackets = _encode_video(vstream, canvas, stored, spec.fps, style.motion_frames)
        tracks = [_Track(vpackets, _video_schedule(spec, stored if shared else None), spec.fps)]
        if astream is not None:
            assert spec.audio_duration is not None
            actx = astream.codec_context
            total = round(spec.audio_duration * actx.sample_rate)
            tracks.append(_Track(_audio_cycle(astream, style),
                                 _audio_schedule(total, actx.frame_size), actx.sample_rate))
        _mux(container, tracks)
    finally:
        container.close()

    if shared:
        assert isinstance(target, io.BytesIO)
        keyframes = [p.is_keyframe for p in vpackets]
        data = _expand_shared_samples(target.getvalue(), spec, keyframes)
        if spec.faststart:
            data = _move_moov_first(data)
        out.write_bytes(data)
    if rotation_patch:
        _patch_rotation(out, rotation_patch)
    if spec.sar is not None and not is_mp4:
        # FFmpeg's Matroska muxer takes DisplayWidth/Height from AVStream.sample_aspect_ratio,
        # which PyAV cannot set: write them ourselves (VP8/VP9/ProRes carry no SAR of their own).
        num, den = spec.sar
        if (spec.width * num) % den == 0:  # a whole display width: keep the height
            display = (spec.width * num // den, spec.height)
        else:  # exact ratio in smallest terms (Matroska readers derive SAR from the ratio)
            g = math.gcd(spec.width * num, spec.height * den)
            display = (spec.width * num // g, spec.height * den // g)
        _matroska_set_display_size(out, *display)
    return out


# --------------------------------------------------------------------------------------------------
# ISO BMFF (MP4/MOV) box surgery
# --------------------------------------------------------------------------------------------------

_CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}


class _Box:
    """A box: either raw payload or children (for container boxes)."""

    __slots__ = ("children", "payload", "type")

    def __init__(self, type_: bytes, payload: bytes = b"",
                 children: list[_Box] | None = None) -> None:
        self.type = type_
        self.payload = payload
        self.children = children

    def find(self, type_: bytes) -> _Box | None:
        for c in self.children or ():
            if c.type == type_:
                return c
        return None

    def all(self, type_: bytes) -> list[_Box]:
        return [c for c in self.children or () if c.type == type_]

    def serialize(self) -> bytes:
        body = b"".join(c.serialize() for c in self.children) if self.children is not None \
            else self.payload
        size = 8 + len(body)
        if size < 2**32:
            return struct.pack(">I4s", size, self.type) + body
        return struct.pack(">I4sQ", 1, self.type, size + 8) + body


def _iter_boxes(data: bytes | bytearray | memoryview, start: int = 0,
                end: int | None = None) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) for each box in ``data[start:end]``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, type_ = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"broken box {type_!r} at {pos}")
        yield bytes(type_), pos, pos + header, pos + size
        pos += size


def _parse_box(data: bytes, type_: bytes, payload: int, end: int) -> _Box:
    if type_ in _CONTAINER_BOXES:
        children = [_parse_box(data, t, p, e) for t, _s, p, e in _iter_boxes(data, payload, end)]
        return _Box(type_, children=children)
    return _Box(type_, payload=data[payload:end])


def mp4_top_level_boxes(path: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """Top-level boxes of an MP4/MOV file: ``(type, offset, size)``; reads only box headers."""
    out = []
    with open(path, "rb") as f:
        f.seek(0, 2)
        length = f.tell()
        pos = 0
        while pos + 8 <= length:
            f.seek(pos)
            head = f.read(16)
            size, type_ = struct.unpack_from(">I4s", head)
            if size == 1:
                size = struct.unpack_from(">Q", head, 8)[0]
            elif size == 0:
                size = length - pos
            if size < 8:
                break
            out.append((type_.decode("latin-1"), pos, size))
            pos += size
    return out


def _full_box(payload: bytes) -> tuple[int, int]:
    return payload[0], int.from_bytes(payload[1:4], "big")


def _handler(trak: _Box) -> bytes:
    mdia = trak.find(b"mdia")
    hdlr = mdia.find(b"hdlr") if mdia else None
    return hdlr.payload[8:12] if hdlr else b""


def _chunk_offsets(stbl: _Box) -> list[int]:
    stco = stbl.find(b"stco")
    if stco is not None:
        n = struct.unpack_from(">I", stco.payload, 4)[0]
        return list(struct.unpack_from(f">{n}I", stco.payload, 8))
    co64 = stbl.find(b"co64")
    assert co64 is not None
    n = struct.unpack_from(">I", co64.payload, 4)[0]
    return list(struct.unpack_from(f">{n}Q", co64.payload, 8))


def _set_chunk_offsets(stbl: _Box, offsets: Sequence[int]) -> None:
    stbl.children = [c for c in stbl.children or () if c.type not in (b"stco", b"co64")]
    if offsets and max(offsets) >= 2**32:
        box = _Box(b"co64", struct.pack(f">II{len(offsets)}Q", 0, len(offsets), *offsets))
    else:
        box = _Box(b"stco", struct.pack(f">II{len(offsets)}I", 0, len(offsets), *offsets))
    stbl.children.append(box)


def _sample_layout(stbl: _Box) -> tuple[list[int], list[int]]:
    """(file offset, size) of every sample of a track."""
    stsz = stbl.find(b"stsz")
    assert stsz is not None
    const, count = struct.unpack_from(">II", stsz.payload, 4)
    sizes = [const] * count if const else list(struct.unpack_from(f">{count}I", stsz.payload, 12))
    stsc = stbl.find(b"stsc")
    assert stsc is not None
    n = struct.unpack_from(">I", stsc.payload, 4)[0]
    runs = [struct.unpack_from(">III", stsc.payload, 8 + 12 * i) for i in range(n)]
    chunks = _chunk_offsets(stbl)
    offsets: list[int] = []
    sample = 0
    for ci, base in enumerate(chunks, start=1):
        per_chunk = 0
        for first, spc, _sdi in runs:
            if first <= ci:
                per_chunk = spc
        pos = base
        for _ in range(per_chunk):
            if sample >= count:
                break
            offsets.append(pos)
            pos += sizes[sample]
            sample += 1
    return offsets, sizes


def _rescale(value: int, src: int, dst: int) -> int:
    return (value * dst + src // 2) // src


def _set_duration(box: _Box, offset_v0: int, offset_v1: int, value: int) -> None:
    """Write a duration field of a full box (32-bit in version 0, 64-bit in version 1)."""
    version, _flags = _full_box(box.payload)
    p = bytearray(box.payload)
    if version == 1:
        struct.pack_into(">Q", p, offset_v1, value)
    else:
        struct.pack_into(">I", p, offset_v0, min(value, 2**32 - 1))
    box.payload = bytes(p)


def _timescale(box: _Box, offset_v0: int, offset_v1: int) -> int:
    version, _flags = _full_box(box.payload)
    return int(struct.unpack_from(">I", box.payload, offset_v1 if version == 1 else offset_v0)[0])


def _track_duration(tkhd: _Box) -> int:
    version, _ = _full_box(tkhd.payload)
    if version == 1:
        return int(struct.unpack_from(">Q", tkhd.payload, 28)[0])
    return int(struct.unpack_from(">I", tkhd.payload, 20)[0])


def _expand_shared_samples(data: bytes, spec: VideoSpec, keyframes: list[bool]) -> bytes:
    """Rewrite the video track so that its samples cycle over the few stored frames.

    The file must have its ``moov`` after ``mdat`` (so chunk offsets do not move).
    """
    top = list(_iter_boxes(data))
    moov_i = next(i for i, b in enumerate(top) if b[0] == b"moov")
    _t, m_start, m_payload, m_end = top[moov_i]
    if m_end != len(data):
        raise RuntimeError("expected the moov box at the end of the file")
    moov = _parse_box(data, b"moov", m_payload, m_end)
    mvhd = moov.find(b"mvhd")
    assert mvhd is not None
    movie_ts = _timescale(mvhd, 12, 20)
    trak = next(t for t in moov.all(b"trak") if _handler(t) == b"vide")
    mdia = trak.find(b"mdia")
    assert mdia is not None
    mdhd = mdia.find(b"mdhd")
    minf = mdia.find(b"minf")
    assert mdhd is not None and minf is not None
    stbl = minf.find(b"stbl")
    assert stbl is not None
    track_ts = _timescale(mdhd, 12, 20)
    if track_ts % spec.fps:
        raise RuntimeError(f"track timescale {track_ts} is not a multiple of {spec.fps} fps")
    tick = track_ts // spec.fps

    offsets, sizes = _sample_layout(stbl)
    stored = len(offsets)
    if stored != len(keyframes):
        raise RuntimeError(f"{stored} stored samples, expected {len(keyframes)}")

    schedule = list(_video_schedule(spec))
    n = len(schedule)
    # stts: run-length coded sample durations
    runs: list[list[int]] = []
    for _pts, dur, _i in schedule:
        delta = dur * tick
        if runs and runs[-1][1] == delta:
            runs[-1][0] += 1
        else:
            runs.append([1, delta])
    stts = struct.pack(">II", 0, len(runs)) + b"".join(struct.pack(">II", c, d) for c, d in runs)
    # stsz
    if len(set(sizes)) == 1:
        stsz = struct.pack(">III", 0, sizes[0], n)
    else:
        stsz = struct.pack(f">III{n}I", 0, 0, n, *(sizes[i % stored] for i in range(n)))
    # stsc: one sample per chunk; stco: each chunk at its stored frame
    stsc = struct.pack(">IIIII", 0, 1, 1, 1, 1)
    chunk_offsets = [offsets[i % stored] for i in range(n)]
    new_children: list[_Box] = []
    for c in stbl.children or ():
        if c.type == b"stts":
            new_children.append(_Box(b"stts", stts))
        elif c.type == b"stsz":
            new_children.append(_Box(b"stsz", stsz))
        elif c.type == b"stsc":
            new_children.append(_Box(b"stsc", stsc))
        elif c.type in (b"stss", b"ctts", b"sdtp", b"stps", b"sbgp", b"sgpd", b"stco", b"co64"):
            continue
        else:
            new_children.append(c)
    if not all(keyframes):
        sync = [i + 1 for i in range(n) if keyframes[i % stored]]
        new_children.append(_Box(b"stss", struct.pack(f">II{len(sync)}I", 0, len(sync), *sync)))
    stbl.children = new_children
    _set_chunk_offsets(stbl, chunk_offsets)

    media_duration = spec.frame_slots * tick
    _set_duration(mdhd, 16, 24, media_duration)
    tkhd = trak.find(b"tkhd")
    assert tkhd is not None
    movie_duration = _rescale(media_duration, track_ts, movie_ts)
    _set_duration(tkhd, 20, 28, movie_duration)
    edts = trak.find(b"edts")
    if edts is not None:
        trak.children = [c for c in trak.children or () if c.type != b"edts"]
    longest = max(_track_duration(h) for h in (t.find(b"tkhd") for t in moov.all(b"trak")) if h)
    _set_duration(mvhd, 16, 24, longest)
    return data[:m_start] + moov.serialize()


def _move_moov_first(data: bytes) -> bytes:
    """Put ``moov`` before the media data (like ``movflags=faststart``), fixing chunk offsets."""
    top = list(_iter_boxes(data))
    moov_entry = next(b for b in top if b[0] == b"moov")
    _t, m_start, m_payload, m_end = moov_entry
    first_media = next(b for b in top if b[0] in (b"mdat", b"free", b"wide", b"skip", b"moov"))
    insert_at = first_media[1]
    if m_start <= insert_at:
        return data
    moov = _parse_box(data, b"moov", m_payload, m_end)
    size = len(moov.serialize())
    for trak in moov.all(b"trak"):
        mdia = trak.find(b"mdia")
        minf = mdia.find(b"minf") if mdia else None
        stbl = minf.find(b"stbl") if minf else None
        if stbl is None:
            continue
        _set_chunk_offsets(stbl, [o + size for o in _chunk_offsets(stbl)])
    blob = moov.serialize()
    if len(blob) != size:  # an stco became co64: offsets moved again
        raise RuntimeError("moov grew while moving it; file too large for this helper")
    return data[:insert_at] + blob + data[insert_at:m_start] + data[m_end:]


def _rotation_matrix(clockwise: int) -> bytes:
    one, w = 0x10000, 0x40000000
    a, b, c, d = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}[
        clockwise % 360]
    return struct.pack(">9i", a * one, b * one, 0, c * one, d * one, 0, 0, 0, w)


def _patch_rotation(path: pathlib.Path, clockwise: int) -> None:
    """Write the display matrix into the video track's ``tkhd`` in place (for PyAV without
    ``set_display_rotation``). Translation terms are left at zero, as FFmpeg writes them."""
    data = bytearray(path.read_bytes())
    for type_, _s, payload, end in _iter_boxes(data):
        if type_ != b"moov":
            continue
        for t2, _s2, p2, e2 in _iter_boxes(data, payload, end):
            if t2 != b"trak":
                continue
            trak = _parse_box(bytes(data), b"trak", p2, e2)
            if _handler(trak) != b"vide":
                continue
            for t3, _s3, p3, _e3 in _iter_boxes(data, p2, e2):
                if t3 == b"tkhd":
                    version = data[p3]
                    at = p3 + (52 if version == 1 else 40)
                    data[at : at + 36] = _rotation_matrix(clockwise)
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------------------------------
# Matroska header surgery
# --------------------------------------------------------------------------------------------------

_ID_SEGMENT, _ID_SEEKHEAD, _ID_VOID, _ID_TRACKS = 0x18538067, 0x114D9B74, 0xEC, 0x1654AE6B
_ID_CRC32, _ID_SEEK, _ID_SEEKPOSITION = 0xBF, 0x4DBB, 0x53AC
_ID_TRACKENTRY, _ID_TRACKTYPE, _ID_VIDEO = 0xAE, 0x83, 0xE0


def _vint_at(buf: bytes, pos: int, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-size integer at ``pos``: (value, length); unknown sizes give -1."""
    b0 = buf[pos]
    length = 1
    while length <= 8 and not b0 & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError(f"bad EBML integer at {pos}")
    value = b0 if keep_marker else b0 & (0xFF >> length)
    for byte in buf[pos + 1 : pos + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = -1
    return value, length


def _ebml_elements(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(id, element start, data start, data end) of the elements in ``buf[start:end]``."""
    pos = start
    while pos < end:
        eid, ilen = _vint_at(buf, pos, True)
        size, slen = _vint_at(buf, pos + ilen, False)
        data = pos + ilen + slen
        stop = end if size < 0 else data + size
        yield eid, pos, data, stop
        pos = stop


def _ebml_id(eid: int) -> bytes:
    return eid.to_bytes((eid.bit_length() + 7) // 8, "big")


def _ebml_master(eid: int, body: bytes) -> bytes:
    """A master element with an 8-byte size field (as FFmpeg writes TrackEntry)."""
    return _ebml_id(eid) + ((1 << 56) | len(body)).to_bytes(8, "big") + body


def _ebml_uint(eid: int, value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    return _ebml_id(eid) + bytes([0x80 | len(raw)]) + raw


def _with_crc(body: bytes) -> bytes:
    """Recompute a leading CRC-32 child (Matroska writes one in each level-1 element)."""
    if body[:2] == b"\xbf\x84":
        return b"\xbf\x84" + struct.pack("<I", zlib.crc32(body[6:]) & 0xFFFFFFFF) + body[6:]
    return body


def _matroska_set_display_size(path: pathlib.Path, display_w: int, display_h: int) -> None:
    """Add DisplayWidth/DisplayHeight to the video track of a Matroska/WebM file.

    The grown Tracks element takes its room from the Void that FFmpeg reserves after the SeekHead,
    so no cluster moves; the SeekHead positions of the elements in between are shifted.
    """
    buf = path.read_bytes()
    seg = next(e for e in _ebml_elements(buf, 0, len(buf)) if e[0] == _ID_SEGMENT)
    seg_data = seg[2]
    top: list[tuple[int, int, int, int]] = []
    for el in _ebml_elements(buf, seg_data, seg[3]):
        top.append(el)
        if el[0] == _ID_TRACKS:
            break
    tracks = top[-1]
    if tracks[0] != _ID_TRACKS:
        raise RuntimeError("no Tracks element in the Matroska head")
    entries = []
    for eid, es, ds, de in _ebml_elements(buf, tracks[2], tracks[3]):
        if eid != _ID_TRACKENTRY:
            entries.append(buf[es:de])
            continue
        kids = list(_ebml_elements(buf, ds, de))
        kind = next((int.from_bytes(buf[d:e], "big") for i, _s, d, e in kids if i == _ID_TRACKTYPE),
                    0)
        if kind != 1:
            entries.append(buf[es:de])
            continue
        body = b""
        for i, s2, d2, e2 in kids:
            if i == _ID_VIDEO:
                video = b"".join(buf[a:d] for j, a, _b, d in _ebml_elements(buf, d2, e2)
                                 if j not in (0x54B0, 0x54BA, 0x54B2))  # DisplayUnit: pixels
                video += _ebml_uint(0x54B0, display_w) + _ebml_uint(0x54BA, display_h)
                body += _ebml_master(_ID_VIDEO, video)
            else:
                body += buf[s2:e2]
        entries.append(_ebml_master(_ID_TRACKENTRY, body))
    new_tracks = _ebml_master(_ID_TRACKS, _with_crc(b"".join(entries)))
    delta = len(new_tracks) - (tracks[3] - tracks[1])
    void = next((e for e in top if e[0] == _ID_VOID), None)
    seekhead = next((e for e in top if e[0] == _ID_SEEKHEAD), None)
    if void is None or seekhead is None or void[1] > tracks[1]:
        raise RuntimeError("no reserved space before Tracks to grow it")
    room = void[3] - void[1] - delta
    if room < 0 or room == 1:
        raise RuntimeError("not enough reserved space before Tracks")
    if room >= 9:
        new_void = b"\xec" + ((1 << 56) | (room - 9)).to_bytes(8, "big") + bytes(room - 9)
    elif room >= 2:
        new_void = b"\xec" + bytes([0x80 | (room - 2)]) + bytes(room - 2)
    else:
        new_void = b""
    # SeekHead: positions (relative to the segment data) of elements between Void and Tracks
    lo, hi = void[3] - seg_data, tracks[1] - seg_data
    sh = bytearray(buf[seekhead[2] : seekhead[3]])
    for eid, _es, ds, de in _ebml_elements(bytes(sh), 0, len(sh)):
        if eid != _ID_SEEK:
            continue
        for cid, _cs, cds, cde in _ebml_elements(bytes(sh), ds, de):
            if cid == _ID_SEEKPOSITION:
                pos = int.from_bytes(sh[cds:cde], "big")
                if lo <= pos <= hi:
                    sh[cds:cde] = (pos - delta).to_bytes(cde - cds, "big")
    new_sh = buf[seekhead[1] : seekhead[2]] + _with_crc(bytes(sh))
    out = (buf[: seekhead[1]] + new_sh + buf[seekhead[3] : void[1]] + new_void
           + buf[void[3] : tracks[1]] + new_tracks + buf[tracks[3] :])
    if len(out) != len(buf):
        raise RuntimeError("Matroska patch changed the file length")
    path.write_bytes(out)


# --------------------------------------------------------------------------------------------------
# Matroska inspection (for checks and tests)
# --------------------------------------------------------------------------------------------------

_EBML_NAMES = {
    0x1A45DFA3: "EBML", 0x18538067: "Segment", 0x114D9B74: "SeekHead", 0x1549A966: "Info",
    0x1654AE6B: "Tracks", 0x1F43B675: "Cluster", 0x1C53BB6B: "Cues", 0x1254C367: "Tags",
    0xEC: "Void", 0xBF: "CRC-32", 0x4489: "Duration", 0x2AD7B1: "TimestampScale",
    0x4D80: "MuxingApp", 0x5741: "WritingApp", 0x73A4: "SegmentUUID", 0x4282: "DocType",
}


@dataclass(frozen=True)
class MatroskaLayout:
    """What the head of a Matroska/WebM file declares (element names, in file order)."""

    doctype: str | None
    segment_children: tuple[str, ...]
    """Level-1 elements, up to the first one of unknown size (a live file's open Cluster)."""
    info_children: tuple[str, ...]
    """Elements inside Segment Info."""

    @property
    def has_duration(self) -> bool:
        return "Duration" in self.info_children

    @property
    def has_cues(self) -> bool:
        return "Cues" in self.segment_children


def _read_element_header(f: io.BufferedReader) -> tuple[int, int] | None:
    """(id, data size or -1 when unknown) of the element at the file position, which it passes."""
    start = f.tell()
    head = f.read(12)
    if len(head) < 2:
        return None
    eid, ilen = _vint_at(head, 0, True)
    size, slen = _vint_at(head, ilen, False)
    f.seek(start + ilen + slen)
    return eid, size


def matroska_layout(path: str | os.PathLike[str]) -> MatroskaLayout:
    """Read the element structure of a Matroska/WebM file without decoding: seeks past each
    level-1 element, so only a few bytes per element are read."""
    doctype = None
    seg_children: list[str] = []
    info_children: list[str] = []
    with open(path, "rb") as f:
        total = os.fstat(f.fileno()).st_size
        while (el := _read_element_header(f)) is not None:
            eid, size = el
            if eid == 0x1A45DFA3:  # the EBML header: read its DocType
                body = f.read(size)
                for cid, _s, ds, de in _ebml_elements(body, 0, len(body)):
                    if cid == 0x4282:
                        doctype = body[ds:de].decode("ascii", "replace")
                continue
            if eid != _ID_SEGMENT:
                if size < 0:
                    break
                f.seek(size, 1)
                continue
            end = total if size < 0 else f.tell() + size
            while f.tell() < end and (child := _read_element_header(f)) is not None:
                cid, csize = child
                seg_children.append(_EBML_NAMES.get(cid, hex(cid)))
                if csize < 0:
                    break
                if cid == 0x1549A966:  # Info
                    body = f.read(csize)
                    info_children += [_EBML_NAMES.get(i, hex(i))
                                      for i, _s, _d, _e in _ebml_elements(body, 0, len(body))]
                else:
                    f.seek(csize, 1)
            break
    return MatroskaLayout(doctype, tuple(seg_children), tuple(info_children))


# --------------------------------------------------------------------------------------------------
# Demo samples and CLI
# --------------------------------------------------------------------------------------------------

_DEMO_STYLE = _Style(motion_frames=8, audio_rate=48000, audio_bit_rate=16000, tone_share=0.08,
                     tone_amplitude=0.01, opus_frame_ms=120)
"""Demo files must stay tiny: the bar moves only at the start of each (10 s) GOP, the tone is a
short beep per second, and Opus uses 120 ms frames."""

DEMO_SAMPLES: dict[str, tuple[VideoSpec, _Style]] = {
    "avatar-landscape.mp4": (
        VideoSpec("mp4", "h264", 1920, 1080, 330.0, 25, audio_duration=330.0, gop_seconds=10.0),
        _DEMO_STYLE),
    "avatar-alpha.webm": (
        VideoSpec("webm", "vp9", 1080, 1920, 320.0, 25, alpha=True, audio_duration=320.0,
                  gop_seconds=10.0),
        dataclasses.replace(_DEMO_STYLE, audio_bit_rate=10000)),
    "phone-720p-short.mp4": (
        VideoSpec("mp4", "h264", 1280, 720, 60.0, 30, rotation=90, gop_seconds=2.0),
        _DEMO_STYLE),
}
"""The committed demo files (``samples/demo``) and how they are made; each stays under 900 KB."""


def make_demo_samples(out_dir: str | os.PathLike[str]) -> list[pathlib.Path]:
    """Write the demo samples into ``out_dir`` and return their paths."""
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [_generate(spec, out / name, style) for name, (spec, style) in DEMO_SAMPLES.items()]


def _parse_sar(text: str) -> tuple[int, int]:
    num, _sep, den = text.replace("/", ":").partition(":")
    return int(num), int(den or 1)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m samples.generate",
                                description=(__doc__ or "").split("\n")[0])
    p.add_argument("out", nargs="?", help="output file (its extension is not used)")
    p.add_argument("--container", choices=sorted(CONTAINERS))
    p.add_argument("--codec", choices=CODECS, default="h264")
    p.add_argument("--width", type=int, default=1920)
    p.add_argument("--height", type=int, default=1080)
    p.add_argument("--duration", type=float, default=360.0, help="seconds of video")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--alpha", action="store_true")
    p.add_argument("--alpha-opaque", action="store_true")
    p.add_argument("--audio", type=float, default=None, metavar="SECONDS",
                   help="add an audio track this long")
    p.add_argument("--rotation", type=int, default=0, choices=(0, 90, 180, 270))
    p.add_argument("--no-faststart", dest="faststart", action="store_false",
                   help="MP4/MOV: leave the moov after the mdat")
    p.add_argument("--fragmented", action="store_true")
    p.add_argument("--live", action="store_true")
    p.add_argument("--sar", type=_parse_sar, default=None, metavar="NUM:DEN")
    p.add_argument("--variable-fps", action="store_true")
    p.add_argument("--gop-seconds", type=float, default=2.0)
    p.add_argument("--profile", default=None, help="ProRes profile (default 4444 with alpha, hq)")
    p.add_argument("--demo", metavar="DIR", help="write the demo samples into DIR instead")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.demo:
        for path in make_demo_samples(args.demo):
            print(f"{path}  {path.stat().st_size:,} bytes")
        return 0
    if not args.out or not args.container:
        _parser().error("OUT and --container are required (or use --demo DIR)")
    spec = VideoSpec(
        container=args.container, codec=args.codec, width=args.width, height=args.height,
        duration=args.duration, fps=args.fps, alpha=args.alpha, alpha_opaque=args.alpha_opaque,
        audio_duration=args.audio, rotation=args.rotation, faststart=args.faststart,
        fragmented=args.fragmented, live=args.live, sar=args.sar, variable_fps=args.variable_fps,
        gop_seconds=args.gop_seconds, profile=args.profile,
    )
    start = time.perf_counter()
    path = generate(spec, args.out)
    took = time.perf_counter() - start
    print(f"{path}  {path.stat().st_size:,} bytes  {took:.2f} s  "
          f"({spec.frame_count} frames, {dataclasses.asdict(spec)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
