"""Encoding the repeated material (one GOP of video, one cycle of audio) and muxing copies of it.

``mux_one`` muxes a new reference to a packet (PyAV has done so since 2018), so one encoded packet,
keyframe flag and side data included, can be muxed again and again with rising timestamps.
"""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import av

from samples.generate.spec import VFR_PERIOD

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.container import OutputContainer
    from av.stream import Stream
    from av.video.stream import VideoStream

    from samples.generate.canvas import Canvas
    from samples.generate.spec import Style, VideoSpec

Schedule = Iterator[tuple[int, int, int]]
"""(pts, duration, index) in ticks of the track's ``1/rate``; packet ``index % len(packets)`` is used."""


def encode_video(
    stream: VideoStream, canvas: Canvas, count: int, fps: int, motion_frames: int | None
) -> list[av.Packet[Stream]]:
    """Encode ``count`` pictures with the output stream's own encoder; check the GOP is closed."""
    packets: list[av.Packet[Stream]] = []
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
    name = stream.codec_context.name
    if len(packets) != count:
        raise RuntimeError(f"{name}: {len(packets)} packets for {count} frames")
    if not packets[0].is_keyframe:
        raise RuntimeError(f"{name}: the GOP does not start with a keyframe")
    for i, p in enumerate(packets):
        if p.pts is not None and p.dts is not None and p.pts != p.dts:
            raise RuntimeError(f"{name}: frame {i} is reordered (B-frames?)")
    return packets


def _tone(cycle: int, rate: int, style: Style) -> list[float]:
    """One cycle of samples: a soft ~440 Hz burst with 5 ms ramps (no clicks), then silence."""
    periods = max(1, round(440 * cycle / rate))  # a whole number of periods: the cycle repeats seamlessly
    tone = max(0, min(cycle, int(cycle * style.tone_share)))
    fade = min(tone // 2, rate // 200)
    values = []
    for n in range(cycle):
        if n >= tone:
            values.append(0.0)
            continue
        env = min(1.0, n / fade, (tone - n) / fade) if fade else 1.0
        values.append(style.tone_amplitude * env * math.sin(2 * math.pi * periods * n / cycle))
    return values


def _pcm(values: list[float], fmt: str) -> tuple[bytes, int]:
    """Packed samples in the encoder's format, and the bytes of one sample."""
    if fmt in ("flt", "fltp"):
        return struct.pack(f"<{len(values)}f", *values), 4
    if fmt in ("s16", "s16p"):
        return struct.pack(f"<{len(values)}h", *(round(v * 32767) for v in values)), 2
    raise RuntimeError(f"unexpected audio sample format {fmt}")  # pragma: no cover - none used here


def audio_cycle(stream: AudioStream, style: Style) -> list[av.Packet[Stream]]:
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
    fmt = ctx.format.name
    pcm, width = _pcm(_tone(per_cycle * frame_size, rate, style), fmt)
    packets: list[av.Packet[Stream]] = []
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


def video_schedule(spec: VideoSpec, count: int | None = None) -> Schedule:
    """(pts in ticks of 1/fps, duration in ticks, frame index) for every frame (the first ``count``)."""
    slots = spec.frame_slots
    n = 0
    for t in range(slots):
        if spec.variable_fps and t % VFR_PERIOD == VFR_PERIOD - 1:
            continue
        nxt = t + 1
        if spec.variable_fps and nxt % VFR_PERIOD == VFR_PERIOD - 1:
            nxt += 1
        yield t, min(nxt, slots) - t, n
        n += 1
        if count is not None and n >= count:
            return


def audio_schedule(total: int, frame_size: int) -> Schedule:
    """(pts in samples, duration in samples, packet index) for ``total`` samples."""
    n = -(-total // frame_size)
    for i in range(n):
        pts = i * frame_size
        yield pts, min(frame_size, total - pts), i


@dataclass(slots=True)
class Track:
    """Stored packets of one stream and when to mux copies of them."""

    packets: list[av.Packet[Stream]]
    schedule: Schedule
    rate: int


def mux(container: OutputContainer, tracks: list[Track]) -> None:
    """Mux copies of the stored packets of every track, interleaved by time (ties: first track)."""
    heads = [next(t.schedule, None) for t in tracks]
    bases = [Fraction(1, t.rate) for t in tracks]
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
        container.mux_one(packet)
        heads[best] = next(track.schedule, None)
