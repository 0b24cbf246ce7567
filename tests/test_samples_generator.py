"""The sample generator makes what it promises: exact durations, surviving alpha, live WebM, moov
placement, and a muxer chosen from the spec rather than the file name.

Files are generated at a small size into ``tmp_path``; the durations are the real ones (the frame
count, not the picture size, is what the boundaries are about).
"""

from __future__ import annotations

import itertools
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


# Content takes (samples.generate.content): each variant's ground truth holds in the file it writes.
# The takes are the session's (tests/content/conftest.py), so the content tests reuse them.

CONTENT_VARIANTS = (
    "steady", "face-leaves", "second-face", "small-face", "hard-cut", "pan", "silent",
    "speech-at-start", "clipped", "dark", "greenscreen", "greenscreen-spill", "alpha-hole",
    "alpha-right",
)


@pytest.fixture(scope="session")
def take(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.content.conftest import take_factory

    return take_factory(tmp_path_factory)


def _keyframes(path: Path, alpha: bool) -> list[tuple[float, Any]]:
    """(seconds, frame) of every keyframe, decoded alone (libvpx for VP9 alpha, which keeps it)."""
    out = []
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r") if alpha else stream.codec_context
        for packet in c.demux(stream):
            if packet.is_keyframe and packet.pts is not None:
                for frame in decoder.decode(packet):
                    out.append((float(packet.pts * packet.time_base), frame))
                if alpha:
                    decoder.decode(None)
                    decoder = av.codec.CodecContext.create("libvpx-vp9", "r")
    return out


def _haar(frame: Any) -> list[tuple[int, int, int, int]]:
    """Faces OpenCV's frontal Haar cascade finds at 320x180 (down to its 24-pixel window: the small
    face is 32 pixels tall there)."""
    cv2 = pytest.importorskip("cv2", reason="the [content] extra (opencv-python-headless) is not installed")
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    gray = frame.reformat(width=320, height=180, format="gray").to_ndarray()
    found = cascade.detectMultiScale(gray, scaleFactor=1.2, minNeighbors=5, minSize=(24, 24))
    return [tuple(int(v) for v in box) for box in found]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def test_haar_finds_the_face_of_the_steady_take_at_320x180(take: Any) -> None:
    from samples.generate.content import VARIANTS

    spec = VARIANTS["steady"]
    for t, frame in _keyframes(take("steady"), alpha=False):
        found = _haar(frame)
        assert len(found) == 1, (t, found)
        expected = spec.face_boxes_at(t)[0]
        scaled = tuple(round(v / 6) for v in (expected.x, expected.y, expected.width, expected.height))
        assert _overlap(found[0], scaled) > 0.5, (t, found, scaled)  # where the layout put it


@pytest.mark.parametrize("name", CONTENT_VARIANTS)
def test_content_take_shows_its_faces_when_it_says(take: Any, name: str) -> None:
    """At every keyframe Haar finds as many faces as the spec placed there (none while the face is
    away, two while the second person sits in), in the dark and through a matte with a hole too, and
    each where ``face_boxes_at`` says (after a pan, after a cut)."""
    from samples.generate.content import VARIANTS

    spec = VARIANTS[name]
    frames = _keyframes(take(name), alpha=spec.alpha is not None)
    assert len(frames) == spec.frame_count // spec.gop_frames
    for t, frame in frames:
        found = _haar(frame)
        assert len(found) == spec.faces_at(t), (t, found)
        for box in spec.face_boxes_at(t):
            scaled = tuple(round(v / 6) for v in (box.x, box.y, box.width, box.height))
            assert max(_overlap(f, scaled) for f in found) > 0.5, (t, found, scaled)


@pytest.mark.parametrize("name", CONTENT_VARIANTS)
def test_content_take_format_is_the_spec(take: Any, name: str) -> None:
    from samples.generate.content import VARIANTS

    spec = VARIANTS[name]
    with av.open(str(take(name))) as c:
        video, audio = c.streams.video[0], c.streams.audio[0]
        assert (video.codec_context.width, video.codec_context.height) == (spec.width, spec.height)
        assert video.average_rate == spec.fps
        assert c.duration is not None
        assert abs(c.duration / 1e6 - spec.duration) < 0.1
        last = max(float(p.pts * p.time_base) for p in c.demux(video) if p.pts is not None)
    assert abs(last + 1 / spec.fps - spec.duration) < 1e-6
    assert audio.codec_context.name == ("opus" if spec.container == "webm" else "aac")


def _track(path: Path) -> Any:
    import numpy as np

    with av.open(str(path)) as c:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
        parts = [f.to_ndarray().reshape(-1) for frame in c.decode(audio=0) for f in resampler.resample(frame)]
    return np.concatenate(parts)


def _dbfs(x: Any) -> float:
    import numpy as np

    return float(20 * np.log10(max(1e-9, float(np.sqrt(np.mean(np.square(x)))))))


@pytest.mark.parametrize("name", ["steady", "silent", "speech-at-start", "clipped", "alpha-right"])
def test_content_take_audio_is_where_the_spec_says(take: Any, name: str) -> None:
    """Speech where speech_spans puts it, silence (room noise) before the lead-in and in a silent
    take, full-scale samples only in the clipped one."""
    import numpy as np

    from samples.generate.content import VARIANTS
    from samples.generate.speech import speech_spans

    spec = VARIANTS[name]
    pcm = _track(take(name))
    assert abs(pcm.size / 16000 - spec.duration) < 0.1
    spans = speech_spans(spec)
    if not spec.speech:
        assert spans == ()
        assert _dbfs(pcm) < -55
        return
    assert spans[0].start == spec.lead_in
    assert sum(s.end - s.start for s in spans) > 0.5 * spec.duration
    if spec.lead_in >= 1:
        assert _dbfs(pcm[: int((spec.lead_in - 0.1) * 16000)]) < -55
    for s in (s for s in spans if s.end - s.start > 0.5):  # not a word cut off by the end
        assert _dbfs(pcm[int(s.start * 16000) : int(s.end * 16000)]) > -30, s
    gaps = [(a.end + 0.1, b.start - 0.1) for a, b in itertools.pairwise(spans)]
    assert all(_dbfs(pcm[int(a * 16000) : int(b * 16000)]) < -50 for a, b in gaps if b > a)
    full = float(np.mean(np.abs(pcm) >= 0.9))  # AAC smears clipped tops: not all reach 1.0 again
    assert (full > 0.005) if spec.clipped else (full == 0), full


@pytest.mark.parametrize("name", ["alpha-hole", "alpha-right"])
def test_content_take_matte_is_open_over_the_face_only_with_a_hole(take: Any, name: str) -> None:
    import numpy as np

    from samples.generate.content import VARIANTS

    spec = VARIANTS[name]
    t, frame = _keyframes(take(name), alpha=True)[3]
    assert frame.format.name == "yuva420p"
    alpha = np.frombuffer(bytes(frame.planes[3]), np.uint8).reshape(frame.height, -1)[:, : frame.width]
    face = spec.face_boxes_at(t)[0]
    middle = alpha[face.y + face.height // 3 : face.y + 2 * face.height // 3,
                   face.x + face.width // 3 : face.x + 2 * face.width // 3]
    assert float(np.mean(alpha[:, :100])) < 5  # the background is transparent in both
    assert (float(np.mean(middle)) < 5) if spec.alpha == "hole" else (float(np.mean(middle)) > 250)
