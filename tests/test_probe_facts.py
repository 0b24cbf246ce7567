"""The probe reports the facts each generated video really has (table in ``tests/media.py``)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.media import CASES
from validator.facts import MediaFacts
from validator.probe import probe


def fact(facts: MediaFacts, key: str) -> Any:
    if key == "alpha_pieces":
        return {p.name for p in facts.alpha.pieces if p.has_alpha}
    if key.startswith("video."):
        assert facts.video is not None, "no video stream"
        value = getattr(facts.video, key.split(".", 1)[1])
    else:
        value = getattr(facts, key)
    return value.value if isinstance(value, Enum) else value


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, Fraction):
        return actual == Fraction(expected)
    if isinstance(expected, float) or isinstance(actual, (float, Fraction)):
        return actual is not None and abs(float(actual) - float(expected)) < 0.002
    return bool(actual == expected)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.facts))
def test_facts_match_the_table(name: str, media: Callable[[str], Path]) -> None:
    facts = probe(media(name))
    wrong = {k: (fact(facts, k), v) for k, v in CASES[name].facts.items() if not same(fact(facts, k), v)}
    assert not wrong, f"(actual, expected) for {name}: {wrong}"


def test_unknown_is_none_never_zero(media: Callable[[str], Path]) -> None:
    facts = probe(media("no_audio"))
    assert facts.audio == ()
    assert facts.video is not None and facts.video.sample_aspect_ratio is None
    live = probe(media("live_webm"))
    assert live.container_duration is None  # a live-written WebM declares no duration at all
    assert live.moov_position is None and live.fragmented is None  # MP4-only facts on a WebM


def test_live_webm_duration_without_reading_the_whole_file(media: Callable[[str], Path]) -> None:
    path = media("live_webm")
    facts = probe(path)
    assert facts.video is not None and facts.video.duration == pytest.approx(330.0, abs=0.001)
    assert facts.bytes_read < path.stat().st_size / 2


def test_live_webm_whose_last_cluster_outgrows_the_first_tail_window(
    media: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from validator.probe import ebml

    path = media("live_webm")
    monkeypatch.setattr(ebml, "TAIL_WINDOWS", (64, *ebml.TAIL_WINDOWS[1:]))  # too small for any cluster
    facts = probe(path)
    assert facts.video is not None and facts.video.duration == pytest.approx(330.0, abs=0.001)


def test_live_webm_ending_in_a_cluster_with_a_corrupt_timestamp(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    # A final Cluster (unknown size) whose Timestamp claims 200 bytes of 0xFF, then one SimpleBlock of
    # track 1: a number past any float. The cluster is unusable; the one before it gives the duration.
    corrupt = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + b"\xe7\x40\xc8" + b"\xff" * 200
    corrupt += b"\xa3\x85\x81\x00\x00\x80\x00"
    path = tmp_path / "live-corrupt-tail.webm"
    path.write_bytes(media("live_webm").read_bytes() + corrupt)
    facts = probe(path)
    assert facts.video is not None and facts.video.duration == pytest.approx(330.0, abs=0.001)


@pytest.mark.parametrize("name", ["landscape", "prores_alpha", "vp9_webm", "live_webm"])
def test_named_demuxer_reads_as_ffmpegs_own_choice(
    name: str, media: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import av

    import validator.probe as probe_module

    path = media(name)
    with av.open(str(path)) as own:  # FFmpeg scoring every demuxer itself
        chosen = own.format.name
    named = probe(path)
    assert named.format_name == chosen
    # An FFmpeg without such a demuxer name: the probe lets FFmpeg choose, with the same facts.
    monkeypatch.setattr(probe_module, "ISOBMFF_DEMUXER", "no-such-demuxer")
    monkeypatch.setattr(probe_module, "MATROSKA_DEMUXER", "no-such-demuxer")
    assert probe(path) == named


def test_bytes_read_stay_near_the_header(media: Callable[[str], Path]) -> None:
    path = media("landscape")
    facts = probe(path)
    assert 0 < facts.bytes_read < path.stat().st_size
    assert facts.size == path.stat().st_size


def test_audio_longer_than_video_reports_the_video_duration(media: Callable[[str], Path]) -> None:
    facts = probe(media("audio_longer"))
    assert facts.video is not None and facts.video.duration == pytest.approx(290.0, abs=0.002)
    assert facts.container_duration is not None and facts.container_duration > 300


def test_fragmented_mp4_is_not_read_fragment_by_fragment(media: Callable[[str], Path]) -> None:
    path = media("fragmented")
    facts = probe(path)
    assert facts.fragmented is True
    assert facts.video is not None and facts.video.duration == pytest.approx(330.0, abs=0.001)
    assert facts.audio and facts.audio[0].duration == pytest.approx(330.0, abs=0.05)
    assert facts.bytes_read <= 256 * 1024, "every moof was visited"
    deep = probe(path, deep_frames=2)  # decoding seeks anywhere: the whole file stays visible
    assert deep.video is not None and deep.video.duration == pytest.approx(330.0, abs=0.001)


def _fragmented_25fps(path: Path, seconds: int = 2) -> Path:
    """A fragmented MP4 at exactly 25 fps with audio, whose frames are large (noise) so that the first
    64 KiB FFmpeg is shown hold only a few packets: its rate estimates then stray from 25."""
    import os

    import av

    fps, rate = 25, 48000
    with av.open(str(path), "w", format="mp4", options={"movflags": "frag_keyframe+empty_moov"}) as out:
        video = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        audio = out.add_stream("aac", rate=rate)
        audio.layout = "mono"
        noise = [os.urandom(320 * 180) for _ in range(4)]
        samples = 0
        for i in range(fps * seconds):
            frame = av.VideoFrame(320, 180, "yuv420p")
            luma = frame.planes[0]
            luma.update(noise[i % 4][: luma.buffer_size].ljust(luma.buffer_size, b"\x80"))
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(video.encode(frame))
            while samples < (i + 1) * rate // fps:
                sound = av.AudioFrame(format="fltp", layout="mono", samples=1024)
                sound.planes[0].update(bytes(sound.planes[0].buffer_size))
                sound.sample_rate, sound.pts, sound.time_base = rate, samples, Fraction(1, rate)
                samples += 1024
                out.mux(audio.encode(sound))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    return path


def test_fragmented_mp4_at_25_fps_is_judged_at_its_stated_rate(tmp_path: Path) -> None:
    """FFmpeg shown the first fragment's start estimates 24.7 fps (and a nominal 50); every sample of
    the fragment lasts 1/25 s, which is the rate the file states and the rules judge."""
    from validator import check_file
    from validator.facts import RateSource

    path = _fragmented_25fps(tmp_path / "frag25.mp4")
    facts = probe(path)
    assert facts.fragmented is True and facts.video is not None
    assert facts.video.nominal_rate == 25
    assert facts.video.nominal_rate_source is RateSource.FRAGMENT
    assert facts.video.frame_rate == 25
    rules = {f.rule for f in check_file(path).findings}
    assert not rules & {"frame-rate-low", "frame-rate-variable"}


def test_rate_estimated_by_ffmpeg_says_so(media: Callable[[str], Path]) -> None:
    from validator.facts import RateSource

    facts = probe(media("low_fps"))
    assert facts.video is not None and facts.video.nominal_rate_source is RateSource.FFMPEG
    assert facts.video.frame_rate == facts.video.average_rate == 20


@pytest.mark.parametrize("name", ["vp9_alpha", "fragmented"])
def test_reports_survive_pickling(name: str, media: Callable[[str], Path]) -> None:
    """Frozen, slotted records must still cross a process boundary (a caller's process pool): a
    report comes back equal, and frozen."""
    import dataclasses
    import pickle

    from validator import check_file
    from validator.findings import BatchReport

    report = check_file(media(name), False, deep=True)
    batch = BatchReport((report,), "ice-avatar-training", strict=True)
    again = pickle.loads(pickle.dumps(batch))
    assert again == batch and again.files[0].facts == report.facts
    assert again.failed is batch.failed
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.files[0].path = "elsewhere"  # type: ignore[misc]
