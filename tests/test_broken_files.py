"""Files that are not good video become findings, never exceptions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from validator import check_file, check_files


def rules(path: Path) -> set[str]:
    return {f.rule for f in check_file(path).errors}


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    report = check_file(empty)
    assert report.facts is None and rules(empty) == {"file-unreadable"}
    assert "empty" in report.errors[0].message


def test_text_named_mp4(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    assert rules(text) == {"file-unreadable"}


def test_truncated_faststart_mp4(media: Callable[[str], Path], tmp_path: Path) -> None:
    whole = media("landscape").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "file-truncated" in rules(cut)


def test_truncated_moov_at_end_mp4(media: Callable[[str], Path], tmp_path: Path) -> None:
    whole = media("moov_end").read_bytes()
    cut = tmp_path / "cut-end.mp4"
    cut.write_bytes(whole[: len(whole) // 2])  # the index is gone with the second half
    assert rules(cut) & {"file-truncated", "file-unreadable"}


def test_truncated_webm(media: Callable[[str], Path], tmp_path: Path) -> None:
    whole = media("vp9_webm").read_bytes()
    cut = tmp_path / "cut.webm"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "file-truncated" in rules(cut)


def _mux_silence(out: Any, stream: Any) -> None:
    """About a second of silent mono AAC."""
    import av

    for i in range(50):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate, frame.pts = 48000, i * 1024
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def test_audio_only_file(tmp_path: Path) -> None:
    import av

    path = tmp_path / "voice.mp4"
    with av.open(str(path), "w") as out:
        _mux_silence(out, out.add_stream("aac", rate=48000))
    assert rules(path) == {"video-missing"}


def _with_cover_art(target: Path, source: Path | None = None) -> None:
    """``source``'s streams copied (no source: silent audio) plus a JPEG cover the MP4 muxer stores as
    ``covr``: FFmpeg shows it as a one-frame video stream marked as an attached picture."""
    import av

    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        src = av.open(str(source)) if source is not None else None
        copies = {s.index: out.add_stream_from_template(s) for s in src.streams} if src else {}
        sound = out.add_stream("aac", rate=48000) if src is None else None
        cover = out.add_stream("mjpeg")
        cover.width, cover.height, cover.pix_fmt = 64, 64, "yuvj420p"
        cover.disposition = av.stream.Disposition.attached_pic
        picture = av.VideoFrame(64, 64, "yuvj420p")
        for plane in picture.planes:
            plane.update(bytes(plane.buffer_size))
        for packet in [*cover.encode(picture), *cover.encode(None)]:
            out.mux(packet)
        if sound is not None:
            _mux_silence(out, sound)
        if src is not None:
            for packet in src.demux():
                if packet.dts is not None:
                    packet.stream = copies[packet.stream.index]
                    out.mux(packet)
            src.close()


def test_cover_art_is_not_the_video(tmp_path: Path) -> None:
    path = tmp_path / "voice-with-cover.mp4"
    _with_cover_art(path)
    assert rules(path) == {"video-missing"}


def test_cover_art_beside_the_video_is_ignored(media: Callable[[str], Path], tmp_path: Path) -> None:
    path = tmp_path / "with-cover.mp4"
    _with_cover_art(path, media("landscape"))
    report = check_file(path)
    assert report.facts is not None and report.facts.video is not None
    assert report.facts.video.codec == "h264" and report.facts.video_stream_count == 1
    assert report.verdict.value == "pass", report.findings


def test_missing_file_is_a_finding_and_the_batch_goes_on(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    good = media("landscape")
    batch = check_files([str(tmp_path / "gone.mp4"), str(good)], jobs=2)
    assert [f.verdict.value for f in batch.files] == ["fail", "pass"]
    assert batch.files[0].errors[0].rule == "file-unreadable"
