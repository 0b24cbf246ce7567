"""The sound checks on the full content takes of ``samples.generate.content`` (1080p H.264 with a
face, AAC speech): the video is demuxed past, never decoded, and each take's verdict and speech
segments follow from its ``TakeSpec``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from samples.generate.content import VARIANTS, TakeSpec
from samples.generate.speech import speech_spans
from validator.content.audio import analyse_audio
from validator.rules.content_audio import AudioThresholds, audio_findings

DEFAULTS = AudioThresholds()


def expected(spec: TakeSpec) -> set[str]:
    """The audio rules a take breaks, by how it was made."""
    if not spec.audio:
        return {"audio-unchecked"}
    rules = set()
    if not spec.speech:
        rules.add("speech-low")
    elif spec.lead_in < DEFAULTS.min_lead_in:
        rules.add("lead-in-silence")
    if spec.clipped:  # driven +26 dB into the ceiling: flat tops, and far too loud
        rules |= {"audio-clipping", "audio-level"}
    return rules


@pytest.mark.parametrize("name", ["steady", "silent", "speech-at-start", "clipped"])
def test_each_take_gets_the_audio_findings_its_spec_calls_for(
    name: str, content_take: Callable[[str], Path]
) -> None:
    spec = VARIANTS[name]
    audio = analyse_audio(str(content_take(name)), aggressiveness=DEFAULTS.vad_aggressiveness)
    assert {f.rule for f in audio_findings(audio, DEFAULTS)} == expected(spec)
    assert audio is not None and audio.duration == pytest.approx(spec.duration, abs=0.1)
    built = speech_spans(spec)
    assert len(audio.speech) == len(built)
    for found, made in zip(audio.speech, built, strict=True):
        assert abs(found.start - made.start) <= 0.1 and abs(found.end - made.end) <= 0.3
