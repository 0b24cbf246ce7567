"""Writing one video: muxer options, the streams, the repeated material, then any surgery the muxer
cannot do itself (shared samples, the rotation matrix on older PyAV, Matroska display size)."""

from __future__ import annotations

import io
import os
import pathlib
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import av

from samples.generate import matroska, mp4
from samples.generate.canvas import Canvas
from samples.generate.codecs import CODEC_TABLE, encoder_options, pix_fmt
from samples.generate.encode import Track, audio_cycle, audio_schedule, encode_video, mux, video_schedule
from samples.generate.spec import CONTAINERS, DEFAULT_STYLE, Style, VideoSpec, validate

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.container import OutputContainer
    from av.video.stream import VideoStream


@dataclass(frozen=True, slots=True)
class _Plan:
    """How a spec is written."""

    gop: int
    """Frames per GOP (1 for intra-only codecs)."""
    stored: int
    """Distinct frames encoded: one GOP, or a few intra frames that are cycled."""
    shared: bool
    """MP4/MOV shared samples: the short file is rewritten so every sample points at a stored frame."""


def _plan(spec: VideoSpec) -> _Plan:
    info = CODEC_TABLE[spec.codec]
    shared = spec.is_mp4 and info.shared_in_mp4 and not spec.fragmented
    if info.stored_frames:  # intra-only: every frame is a keyframe; a few distinct ones are cycled
        return _Plan(1, min(info.stored_frames, spec.frame_count), shared)
    gop = max(1, min(round(spec.gop_seconds * spec.fps), spec.frame_count))
    return _Plan(gop, gop, shared)


def _muxer_options(spec: VideoSpec, shared: bool) -> dict[str, str]:
    # bitexact: no random Matroska UIDs, so the same spec always gives the same bytes
    options: dict[str, str] = {"fflags": "+bitexact"}
    if spec.is_mp4:
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
    return options


def _add_video(
    container: OutputContainer, spec: VideoSpec, gop: int, style: Style
) -> tuple[VideoStream, int]:
    """The video stream, and the rotation still to be patched in after writing (older PyAV)."""
    vstream = container.add_stream(
        CODEC_TABLE[spec.codec].encoder, rate=spec.fps, options=encoder_options(spec, gop, style)
    )
    assert isinstance(vstream, av.video.stream.VideoStream)
    ctx = vstream.codec_context
    ctx.width, ctx.height = spec.width, spec.height
    ctx.pix_fmt = pix_fmt(spec)
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
    if spec.codec == "hevc" and spec.is_mp4:
        ctx.codec_tag = "hvc1"  # what Apple devices write (FFmpeg's default is hev1)
    if not spec.rotation:
        return vstream, 0
    if not hasattr(vstream, "set_display_rotation"):
        return vstream, spec.rotation  # older PyAV: patch the tkhd matrix after writing
    vstream.set_display_rotation(-spec.rotation)  # PyAV's angle is counter-clockwise; phones' clockwise
    return vstream, 0


def _add_audio(container: OutputContainer, spec: VideoSpec, style: Style) -> AudioStream:
    if spec.container == "webm":
        options = {"frame_duration": str(style.opus_frame_ms), "application": "audio"}
        astream = container.add_stream("libopus", rate=48000, options=options)
    else:
        astream = container.add_stream("aac", rate=style.audio_rate)
    assert isinstance(astream, av.audio.stream.AudioStream)
    actx = astream.codec_context
    actx.layout = "mono"
    actx.bit_rate = style.audio_bit_rate
    actx.time_base = Fraction(1, actx.sample_rate)
    return astream


def _write(target: str | io.BytesIO, spec: VideoSpec, plan: _Plan, style: Style) -> tuple[list[bool], int]:
    """Mux the whole video into ``target``: the stored frames' keyframe flags, the rotation to patch."""
    container = av.open(
        target, "w", format=CONTAINERS[spec.container], options=_muxer_options(spec, plan.shared)
    )
    try:
        vstream, rotation_patch = _add_video(container, spec, plan.gop, style)
        astream = _add_audio(container, spec, style) if spec.audio_duration is not None else None
        canvas = Canvas(spec, pix_fmt(spec))
        vpackets = encode_video(vstream, canvas, plan.stored, spec.fps, style.motion_frames)
        schedule = video_schedule(spec, plan.stored if plan.shared else None)
        tracks = [Track(vpackets, schedule, spec.fps)]
        if astream is not None and spec.audio_duration is not None:
            actx = astream.codec_context
            total = round(spec.audio_duration * actx.sample_rate)
            tracks.append(
                Track(audio_cycle(astream, style), audio_schedule(total, actx.frame_size), actx.sample_rate)
            )
        mux(container, tracks)
    finally:
        container.close()
    return [p.is_keyframe for p in vpackets], rotation_patch


def generate(spec: VideoSpec, path: str | os.PathLike[str]) -> pathlib.Path:
    """Write the video described by ``spec`` to ``path`` and return the path."""
    return generate_styled(spec, path, DEFAULT_STYLE)


def generate_styled(spec: VideoSpec, path: str | os.PathLike[str], style: Style) -> pathlib.Path:
    """:func:`generate` with the knobs the demo files turn."""
    validate(spec)
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    plan = _plan(spec)
    # Encode into memory first when the container is rewritten afterwards (shared mode).
    target: str | io.BytesIO = io.BytesIO() if plan.shared else str(out)
    keyframes, rotation_patch = _write(target, spec, plan, style)
    if isinstance(target, io.BytesIO):
        data = mp4.expand_shared_samples(target.getvalue(), spec, keyframes)
        out.write_bytes(mp4.move_moov_first(data) if spec.faststart else data)
    if rotation_patch:
        mp4.patch_rotation(out, rotation_patch)
    if spec.sar is not None and not spec.is_mp4:
        # FFmpeg's Matroska muxer takes DisplayWidth/Height from AVStream.sample_aspect_ratio,
        # which PyAV cannot set: write them ourselves (VP8/VP9/ProRes carry no SAR of their own).
        matroska.set_display_size(out, *matroska.display_size(spec))
    return out
