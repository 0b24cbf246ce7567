"""``--content`` for one file: the picture and the sound analysed side by side, then judged.

The audio track is decoded in a second thread while the picture is sampled in this one (and its
samples measured in a third, :mod:`.video`): FFmpeg and OpenCV release the GIL while they work, so
on two cores the sound costs little wall time. Each side opens the file itself (PyAV containers are
not shared between threads).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from validator.content.facts import AudioContent, ContentFacts
from validator.findings import BatchReport, FileReport, Finding, sort_findings

if TYPE_CHECKING:
    from validator.facts import MediaFacts
    from validator.profile import Profile


def content_reports(batch: BatchReport, profile: Profile) -> BatchReport:
    """Every file of ``batch`` with its content checked, one file after the other: each analysis
    already keeps both cores busy (the picture here, the sound in its thread)."""
    return replace(batch, files=tuple(content_report(f, profile) for f in batch.files))


def content_report(report: FileReport, profile: Profile) -> FileReport:
    """``report`` with what ``--content`` found added: the content facts and their findings. A file
    the probe could not read, or without video, is returned as it is (its findings say why)."""
    facts = report.facts
    if facts is None or facts.video is None or not facts.video.display_width:
        return report
    from validator.rules import content as rules

    try:
        content = analyse(report.path, facts, profile)
    except _OPEN_ERRORS as exc:
        return _add(report, rules.unchecked(f"the frames could not be decoded ({exc})", profile))
    except Exception as exc:  # a hostile file met a bug: report it for this file, keep the batch going
        reason = f"the content analysis failed unexpectedly ({type(exc).__name__}: {exc})"
        return _add(report, rules.unchecked(reason, profile))
    return replace(_add(report, rules.evaluate(content, facts, profile)), content=content)


def remote_report(report: FileReport, profile: Profile) -> FileReport:
    """``report`` of a video already in the cloud, which ``--content`` does not download: a
    ``content-unchecked`` finding says so rather than letting it pass as checked."""
    from validator.rules import content as rules

    reason = "the video is in the cloud, and --content analyses local files only"
    return _add(report, rules.unchecked(reason, profile))


def _add(report: FileReport, found: tuple[Finding, ...]) -> FileReport:
    return replace(report, findings=sort_findings((*report.findings, *found)))


def _open_errors() -> tuple[type[BaseException], ...]:
    import av

    return (av.FFmpegError, OSError, StopIteration)


_OPEN_ERRORS = _open_errors()


def analyse(path: str, facts: MediaFacts, profile: Profile) -> ContentFacts:
    """Measure the picture and the sound of ``path`` (probed as ``facts``)."""
    from validator.content.video import analyse_picture

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="content-audio") as pool:
        sound = pool.submit(_audio, path, profile) if facts.audio else None
        picture = analyse_picture(path, facts, profile)
        audio, problem = sound.result() if sound is not None else (None, None)
    video = facts.video
    assert video is not None and video.display_width and video.display_height
    from validator.content.measure import Geometry

    geometry = Geometry(video.display_width, video.display_height, video.rotation)
    return ContentFacts(
        duration=round(picture.duration, 3),
        frame_width=video.display_width,
        frame_height=video.display_height,
        analysed_height=geometry.analysed_height,
        samples=picture.samples,
        cuts=picture.cuts,
        cut_candidates=picture.candidates,
        audio=audio,
        audio_problem=problem,
        samples_failed=picture.failed,
        seconds=round(time.perf_counter() - started, 3),
    )


def _audio(path: str, profile: Profile) -> tuple[AudioContent | None, str | None]:
    """The audio analysis (:mod:`validator.content.audio`), or why it could not run."""
    import av

    from validator.errors import PreflightError

    try:
        from validator.content.audio import analyse_audio
    except ImportError:  # pragma: no cover - a build without the audio analysis
        return None, "the audio analysis is not part of this build"
    try:
        audio = profile.audio
        return analyse_audio(
            path, aggressiveness=audio.vad_aggressiveness, merge_gap=audio.speech_merge_gap
        ), None
    except (PreflightError, av.FFmpegError) as exc:
        return None, f"the audio track could not be decoded ({exc})"
