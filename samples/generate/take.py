"""Writing a content take with PyAV: render each distinct GOP once, encode it, mux copies in time order.

The take is a run of GOPs; a GOP is described by the states of its frames
(:func:`samples.generate.layout.state`). GOPs with equal descriptions are encoded once, by the one
encoder of the output stream, in their order of first appearance; every GOP is closed and starts with
a keyframe, so its packets can be muxed again later with timestamps moved by whole GOPs (B-frames
included: pts and dts move together). Audio is encoded once over the whole take and interleaved.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from samples.generate import layout, scene, speech
from validator.content.facts import Box

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.container import OutputContainer
    from av.stream import Stream
    from av.video.stream import VideoStream

    from samples.generate.content import TakeSpec
    from samples.generate.layout import FrameState

    Progress = Callable[[str], None]
    Packet = av.Packet[Stream]

_GRAIN_FIELDS = 7
"""Distinct noise fields cycled (with a shift per frame), so grain never looks frozen."""


class _Painter:
    """Renders frame states into RGB(A) arrays from layers computed once per take."""

    def __init__(self, spec: TakeSpec) -> None:
        self.spec = spec
        wide = spec.width + (round(spec.pan_share * spec.width) if spec.pan else 0)
        self.rooms = [scene.background(spec.background, wide, spec.height, room)
                      for room in range(2 if spec.cut_at is not None else 1)]
        rng = np.random.default_rng(7)
        self.grain = [rng.normal(0.0, spec.grain, (spec.height, spec.width, 1)).astype(np.float32)
                      for _ in range(_GRAIN_FIELDS if spec.grain else 0)]

    def paint(self, s: FrameState) -> av.VideoFrame:
        spec = self.spec
        rgb = self.rooms[s.room][:, s.camera_x : s.camera_x + spec.width].copy()  # the room is shared
        alpha = np.zeros((spec.height, spec.width), np.uint8) if spec.alpha else None
        for p in s.people:
            cut = scene.cutout(p.face_height, p.mirrored, spec.green_spill)
            scene.paste(rgb, cut, p.x - s.camera_x, p.y)
            if alpha is not None:
                scene.paste_matte(alpha, cut, p.x - s.camera_x, p.y)
        if alpha is not None and spec.alpha == "hole" and s.people:
            _punch(alpha, layout.face_box(s.people[-1], s.camera_x))
        if s.grain or spec.brightness != 1.0:
            out = rgb.astype(np.float32) * spec.brightness
            if s.grain:
                out += np.roll(self.grain[s.grain % _GRAIN_FIELDS], 37 * s.grain, axis=1)
            rgb = np.clip(out, 0, 255).astype(np.uint8)
        if alpha is None:
            return av.VideoFrame.from_ndarray(rgb, format="rgb24")
        return av.VideoFrame.from_ndarray(np.dstack([rgb, alpha]), format="rgba")


def _punch(alpha: np.ndarray, box: Box) -> None:
    """Make the matte transparent over the middle of the face (an ellipse inside its box)."""
    h, w = alpha.shape
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    rx, ry = box.width * 0.4, box.height * 0.45
    y0, y1 = max(0, int(cy - ry)), min(h, int(cy + ry) + 1)
    x0, x1 = max(0, int(cx - rx)), min(w, int(cx + rx) + 1)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inside = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0
    alpha[y0:y1, x0:x1][inside] = 0


def _video_stream(container: OutputContainer, spec: TakeSpec) -> VideoStream:
    gop = spec.gop_frames
    if spec.codec == "h264":
        params = f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes={spec.b_frames}:open-gop=0"
        options = {"preset": spec.preset, "x264-params": params}
        if spec.bit_rate is None:
            options["crf"] = str(spec.quality or 32)
        else:
            rate = spec.bit_rate // 1000
            options["x264-params"] += f":vbv-maxrate={rate * 3 // 2}:vbv-bufsize={rate * 2}"
        name, fmt = "libx264", "yuv420p"
    elif spec.codec == "vp9":
        options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "auto-alt-ref": "0",
                   "row-mt": "1", "keyint_min": str(gop)}
        if spec.bit_rate is None:
            options |= {"crf": str(spec.quality or 40), "b": "0"}
        name, fmt = "libvpx-vp9", "yuva420p" if spec.alpha else "yuv420p"
    else:
        options = {"profile": "4444" if spec.alpha else "hq", "vendor": "apl0"}
        name, fmt = "prores_ks", "yuva444p10le" if spec.alpha else "yuv422p10le"
    stream = container.add_stream(name, rate=spec.fps, options=options)
    assert isinstance(stream, av.video.stream.VideoStream)
    ctx = stream.codec_context
    ctx.width, ctx.height, ctx.pix_fmt = spec.width, spec.height, fmt
    ctx.time_base = stream.time_base = Fraction(1, spec.fps)
    ctx.gop_size = gop
    if spec.bit_rate is not None:
        ctx.bit_rate = spec.bit_rate
    ctx.thread_count = 0
    return stream


def _gops(spec: TakeSpec) -> list[tuple[FrameState, ...]]:
    """Every GOP of the take, as its frames' states (the last may be short)."""
    states = [layout.state(spec, i) for i in range(spec.frame_count)]
    g = spec.gop_frames
    return [tuple(states[i : i + g]) for i in range(0, len(states), g)]


def _encode_gops(stream: VideoStream, spec: TakeSpec, unique: list[tuple[FrameState, ...]],
                 progress: Progress | None) -> list[list[tuple[Packet, int, int]]]:
    """Encode the distinct GOPs back to back; return each one's packets (decode order)."""
    painter = _Painter(spec)
    fmt = stream.codec_context.pix_fmt
    packets: list[Packet] = []
    n = 0
    for k, gop in enumerate(unique):
        for j, s in enumerate(gop):
            frame = painter.paint(s).reformat(format=fmt)
            frame.pts, frame.time_base = n, Fraction(1, spec.fps)
            if j == 0:
                with contextlib.suppress(AttributeError, TypeError, ValueError):  # older PyAV
                    frame.pict_type = av.video.frame.PictureType.I
            packets += stream.encode(frame)
            n += 1
        if progress is not None and (k + 1) % max(1, len(unique) // 10) == 0:
            progress(f"{k + 1}/{len(unique)} distinct GOPs encoded")
    packets += stream.encode(None)
    return _split(packets, [len(g) for g in unique], stream.codec_context.name)


def _split(packets: list[Packet], sizes: list[int], name: str) -> list[list[tuple[Packet, int, int]]]:
    """Cut the decode-order packets into GOPs at their keyframes, check the counts, and keep each
    packet's own timestamps (they are moved for every copy)."""
    out: list[list[tuple[Packet, int, int]]] = []
    for p in packets:
        if p.is_keyframe and (not out or len(out[-1]) >= sizes[len(out) - 1]):
            out.append([])
        if not out:
            raise RuntimeError(f"{name}: the first packet is not a keyframe")
        if p.pts is None or p.dts is None:
            raise RuntimeError(f"{name}: a packet without timestamps")
        out[-1].append((p, p.pts, p.dts))
    if [len(g) for g in out] != sizes:
        raise RuntimeError(f"{name}: GOPs of {[len(g) for g in out][:6]} packets, expected {sizes[:6]}")
    return out


_AUDIO_CACHE: dict[tuple[object, ...], list[Packet]] = {}
"""Encoded audio of short takes, by what it depends on: most variants share one track."""
_CACHE_SECONDS = 120.0


def _audio_key(spec: TakeSpec) -> tuple[object, ...]:
    return (spec.container == "webm", spec.duration, spec.speech, spec.lead_in, spec.clipped,
            spec.audio_channels, spec.audio_bit_rate)


def _audio_packets(container: OutputContainer, spec: TakeSpec) -> Iterator[Packet]:
    """The whole audio track, encoded one second at a time (short takes: from the cache)."""
    codec = "libopus" if spec.container == "webm" else "aac"
    layout_name = "stereo" if spec.audio_channels == 2 else "mono"
    # FFmpeg's AAC encoder spends most of a take's time in its default search ("twoloop"): "fast"
    # codes speech as well for a test
    options = {"aac_coder": "fast"} if codec == "aac" else {}
    stream: AudioStream = container.add_stream(  # type: ignore[assignment]
        codec, rate=48000, layout=layout_name, options=options)
    stream.bit_rate = spec.audio_bit_rate * spec.audio_channels
    key = _audio_key(spec)
    if key in _AUDIO_CACHE:
        stream.codec_context.open()  # its header (AAC's AudioSpecificConfig) is the same as the cached one's
        return _restream(_AUDIO_CACHE[key], stream)
    packets = _encode_audio(stream, spec, layout_name)
    if spec.duration > _CACHE_SECONDS:
        return packets
    _AUDIO_CACHE[key] = kept = list(packets)
    return iter(kept)


def _restream(packets: list[Packet], stream: AudioStream) -> Iterator[Packet]:
    for p in packets:
        p.stream = stream
        yield p


def _encode_audio(stream: AudioStream, spec: TakeSpec, layout_name: str) -> Iterator[Packet]:
    resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout_name, rate=48000)
    total = round(spec.duration * speech.RATE)

    def frames() -> Iterator[av.AudioFrame]:
        for first in range(0, total, speech.RATE):
            pcm = speech.samples(spec, first, min(speech.RATE, total - first))
            if layout_name == "stereo":
                pcm = np.repeat(pcm[None, :], 2, axis=0).T.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="flt", layout=layout_name)
            frame.sample_rate, frame.pts = speech.RATE, first
            frame.time_base = Fraction(1, speech.RATE)
            yield from resampler.resample(frame)
        yield from resampler.resample(None)

    for f in frames():
        f.pts = None  # the encoder counts samples itself
        yield from stream.encode(f)
    yield from stream.encode(None)


def _open(path: Path, spec: TakeSpec) -> OutputContainer:
    options = {"fflags": "+bitexact"}
    if spec.container in ("mp4", "mov"):
        if spec.faststart:
            options["movflags"] = "faststart"
        if not spec.b_frames:
            options["use_editlist"] = "0"
    return av.open(str(path), "w", format=spec.container, options=options)


def write(path: Path, spec: TakeSpec, progress: Progress | None = None) -> Path:
    """Write the take; ``progress`` (if given) hears how far a long one has got."""
    gops = _gops(spec)
    index: dict[tuple[FrameState, ...], int] = {}
    for states in gops:
        index.setdefault(states, len(index))
    unique = list(index)
    with _open(path, spec) as container:
        vstream = _video_stream(container, spec)
        audio = _audio_packets(container, spec) if spec.audio else iter(())
        encoded = _encode_gops(vstream, spec, unique, progress)
        size = spec.gop_frames
        pending = next(audio, None)
        for k, states in enumerate(gops):
            source = index[states]
            shift = (k - source) * size  # the source GOP was encoded at frames source*g.. (all GOPs full)
            for p, pts, dts in encoded[source]:
                while pending is not None and _before(pending, Fraction(dts + shift, spec.fps)):
                    container.mux_one(pending)
                    pending = next(audio, None)
                p.pts, p.dts = pts + shift, dts + shift
                p.time_base = Fraction(1, spec.fps)
                container.mux_one(p)
            if progress is not None and k % 60 == 59:
                progress(f"{(k + 1) * spec.gop_seconds:.0f} of {spec.duration:.0f} s muxed")
        while pending is not None:
            container.mux_one(pending)
            pending = next(audio, None)
    return path


def _before(audio: Packet, video_time: Fraction) -> bool:
    """Whether the audio packet starts before the video packet's decode time (seconds)."""
    if audio.pts is None or audio.time_base is None:
        return True
    return bool(audio.pts * audio.time_base <= video_time)


def stderr_progress(line: str) -> None:
    """A ``progress`` that prints on stderr (long bench takes)."""
    print(f"take: {line}", file=sys.stderr, flush=True)
