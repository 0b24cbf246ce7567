"""The sample generator makes what it promises: exact durations, surviving alpha, live WebM, moov
placement, and a muxer chosen from the spec rather than the file name.

Files are generated at a small size into ``tmp_path``; the durations are the real ones (the frame
count, not the picture size, is what the boundaries are about).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest

from samples.generate import VideoSpec, generate, matroska_layout, mp4_top_level_boxes


def small(container: str, codec: str = "h264", **fields: Any) -> VideoSpec:
    """A 640x360 spec: generation stays well under a second even for a 15-minute video."""
    return VideoSpec(container, codec, 640, 360, **fields)


def _video_duration(path: Path) -> Fraction:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        assert v.duration is not None
        return Fraction(v.duration) * Fraction(v.time_base)


def _last_frame_time(path: Path) -> Fraction:
    """Seek near the end and decode to the last frame: the end of the file is decodable."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        assert c.duration is not None
        c.seek(max(0, c.duration - 3_000_000))
        last = None
        for frame in c.decode(v):
            last = frame
        assert last is not None and last.pts is not None
        return Fraction(last.pts) * Fraction(last.time_base)


@pytest.mark.parametrize(("seconds", "frames"), [(299.9, 8997), (300.0, 9000)])
def test_mp4_video_duration_is_exact_at_the_five_minute_boundary(
        tmp_path: Path, seconds: float, frames: int) -> None:
    # Audio runs longer than the video: the video stream's own duration must not follow it.
    spec = small("mp4", duration=seconds, fps=30, audio_duration=seconds + 5)
    path = generate(spec, tmp_path / "boundary.mp4")

    assert _video_duration(path) == Fraction(frames, 30) == Fraction(str(seconds))
    with av.open(str(path)) as c:
        assert c.streams.video[0].frames == frames
        audio = c.streams.audio[0]
        assert audio.duration is not None
        assert Fraction(audio.duration) * audio.time_base == Fraction(str(seconds)) + 5
    assert _last_frame_time(path) == Fraction(frames - 1, 30)


def test_vp9_alpha_survives_into_webm(tmp_path: Path) -> None:
    spec = small("webm", "vp9", duration=3.0, alpha=True)
    path = generate(spec, tmp_path / "alpha.webm")

    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "vp9"
        assert stream.metadata.get("alpha_mode") == "1"
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r")
        frames = []
        for packet in c.demux(stream):
            frames += decoder.decode(packet)
            if frames:
                break
    frame = frames[0]
    assert frame.format.name == "yuva420p"
    plane = frame.planes[3]
    raw = bytes(plane)
    values: set[int] = set()
    for row in range(plane.height):  # skip the line padding
        values.update(raw[row * plane.line_size : row * plane.line_size + plane.width])
    assert 0 in values and 255 in values


def test_live_webm_declares_no_duration_and_no_cues(tmp_path: Path) -> None:
    normal = generate(small("webm", "vp9", duration=4.0, audio_duration=4.0),
                      tmp_path / "normal.webm")
    live = generate(small("webm", "vp9", duration=4.0, audio_duration=4.0, live=True),
                    tmp_path / "live.webm")

    assert matroska_layout(normal).has_duration and matroska_layout(normal).has_cues
    layout = matroska_layout(live)
    assert layout.doctype == "webm"
    assert not layout.has_duration and not layout.has_cues
    with av.open(str(live)) as c:
        assert c.duration is None
        video = c.streams.video[0]
        assert "DURATION" not in video.metadata
        # still a valid file: every frame is there
        assert sum(1 for p in c.demux(video) if p.size) == 100
    with av.open(str(normal)) as c:
        assert c.streams.video[0].metadata["DURATION"] == "00:00:04.000000000"


@pytest.mark.parametrize("faststart", [True, False])
def test_moov_position_follows_faststart(tmp_path: Path, faststart: bool) -> None:
    spec = small("mp4", duration=20.0, faststart=faststart, audio_duration=20.0)
    path = generate(spec, tmp_path / "moov.mp4")

    order = [box for box, _offset, _size in mp4_top_level_boxes(path)]
    assert order.index("moov") < order.index("mdat") if faststart else \
        order.index("moov") > order.index("mdat")
    assert _video_duration(path) == 20
    assert _last_frame_time(path) == Fraction(499, 25)


def test_muxer_comes_from_the_spec_not_the_extension(tmp_path: Path) -> None:
    mkv = generate(small("mkv", "vp9", duration=1.0), tmp_path / "x.webm")
    mov = generate(small("mov", "h264", duration=1.0), tmp_path / "x.mp4")

    assert matroska_layout(mkv).doctype == "matroska"
    with av.open(str(mov)) as c:
        assert c.metadata.get("major_brand") == "qt  "


def test_prores_shares_one_stored_frame_set_across_a_long_file(tmp_path: Path) -> None:
    spec = small("mov", "prores", duration=900.1, fps=30, alpha=True)
    path = generate(spec, tmp_path / "long.mov")

    assert path.stat().st_size < 1_000_000
    assert _video_duration(path) == Fraction(27003, 30)
    with av.open(str(path)) as c:
        assert c.streams.video[0].frames == 27003
        assert c.streams.video[0].codec_context.pix_fmt.startswith("yuva444p")
    assert _last_frame_time(path) == Fraction(27002, 30)


def test_rotation_and_fragmented_mp4(tmp_path: Path) -> None:
    rotated = generate(small("mp4", duration=2.0, rotation=90), tmp_path / "r.mp4")
    with av.open(str(rotated)) as c:
        frame = next(c.decode(video=0))
        assert frame.rotation == -90  # FFmpeg's angle is counter-clockwise: phones' 90 clockwise
        assert (frame.width, frame.height) == (640, 360)

    frag = generate(small("mp4", duration=10.0, fragmented=True, audio_duration=10.0),
                    tmp_path / "f.mp4")
    boxes = [box for box, _o, _s in mp4_top_level_boxes(frag)]
    assert boxes.count("moof") == 5  # one per 2-second GOP
    assert _video_duration(frag) == 10
