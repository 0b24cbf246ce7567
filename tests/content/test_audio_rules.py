"""The audio rules on hand-built facts: each threshold both ways, the spans, the profile's say.

No file and no numpy: the judgements are a pure function of ``AudioContent`` and the thresholds.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from validator.content.facts import AudioContent, ContentFacts, Span
from validator.errors import ProfileError
from validator.findings import Severity
from validator.profile import Profile
from validator.rules.catalog import RULES
from validator.rules.content_audio import AudioThresholds, audio_findings, evaluate

T = AudioThresholds()
GOOD = AudioContent(
    duration=300.0,
    speech=(Span(2.0, 100.0), Span(101.0, 200.0), Span(206.0, 298.0)),
    speech_share=289.0 / 300.0,
    peak_dbfs=-4.0,
    speech_dbfs=-23.0,
    noise_dbfs=-62.0,
    clipped_share=0.0,
)


def rules(audio: AudioContent | None, thresholds: AudioThresholds = T) -> set[str]:
    return {f.rule for f in audio_findings(audio, thresholds)}


def test_a_good_take_has_no_finding() -> None:
    assert rules(GOOD) == set()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"speech_share": T.min_speech_share - 0.01}, "speech-low"),
        ({"speech": (Span(T.min_lead_in - 0.1, 100.0),)}, "lead-in-silence"),
        ({"clipped_share": T.max_clipped_share * 2, "clipped": (Span(50.0, 51.0),)}, "audio-clipping"),
        ({"speech_dbfs": T.min_speech_dbfs - 0.1}, "audio-level"),
        ({"speech_dbfs": T.max_speech_dbfs + 0.1}, "audio-level"),
        ({"noise_dbfs": T.max_noise_dbfs + 0.1}, "audio-noise"),
    ],
)
def test_each_threshold_fires_just_past_it_and_not_at_it(change: dict[str, object], rule: str) -> None:
    assert rules(replace(GOOD, **change)) == {rule}
    at_limit = {
        "speech-low": {"speech_share": T.min_speech_share},
        "lead-in-silence": {"speech": (Span(T.min_lead_in, 100.0),)},
        "audio-clipping": {"clipped_share": T.max_clipped_share},
        "audio-level": {"speech_dbfs": T.min_speech_dbfs},
        "audio-noise": {"noise_dbfs": T.max_noise_dbfs},
    }[rule]
    assert rules(replace(GOOD, **at_limit)) == set()
    assert rule in RULES


def test_findings_say_where() -> None:
    clipped = (Span(50.0, 51.5), Span(120.0, 120.4))
    found = {f.rule: f for f in audio_findings(replace(GOOD, clipped_share=0.01, clipped=clipped), T)}
    assert found["audio-clipping"].at == clipped
    early = replace(GOOD, speech=(Span(0.2, 100.0), *GOOD.speech[1:]))
    assert audio_findings(early, T)[0].at == (Span(0.2, 100.0),)
    noisy = audio_findings(replace(GOOD, noise_dbfs=-40.0), T)[0]
    assert noisy.at == (Span(0.0, 2.0), Span(100.0, 101.0), Span(200.0, 206.0), Span(298.0, 300.0))
    sparse = replace(GOOD, speech=(Span(10.0, 20.0), Span(22.0, 30.0)), speech_share=18.0 / 300.0)
    assert audio_findings(sparse, T)[0].at == (Span(0.0, 10.0), Span(30.0, 300.0))  # 2 s is phrasing


def test_a_silent_take_is_judged_on_speech_alone() -> None:
    silent = replace(GOOD, speech=(), speech_share=0.0, speech_dbfs=None, noise_dbfs=-70.0)
    findings = audio_findings(silent, T)
    assert [f.rule for f in findings] == ["speech-low"]
    assert findings[0].at == (Span(0.0, 300.0),)


def test_the_profile_sets_severities_and_turns_rules_off() -> None:
    bad = replace(GOOD, speech_dbfs=-50.0, noise_dbfs=-30.0)
    levels = {"audio-level": Severity.ERROR, "audio-noise": None}
    findings = audio_findings(bad, T, severity=lambda rule: levels.get(rule, RULES[rule].severity))
    assert [(f.rule, f.severity) for f in findings] == [("audio-level", Severity.ERROR)]
    assert audio_findings(bad, T)[0].severity is Severity.WARNING


def test_stricter_thresholds_change_the_verdict() -> None:
    assert rules(GOOD, replace(T, max_noise_dbfs=-65.0, min_lead_in=3.0)) == {
        "audio-noise",
        "lead-in-silence",
    }


@pytest.mark.parametrize(
    "change",
    [
        {"min_speech_share": 1.5},
        {"max_clipped_share": -0.1},
        {"min_lead_in": -1.0},
        {"max_noise_dbfs": 3.0},
        {"min_speech_dbfs": -10.0, "max_speech_dbfs": -20.0},
        {"vad_aggressiveness": 4},
    ],
)
def test_impossible_thresholds_are_a_profile_error(change: dict[str, object]) -> None:
    with pytest.raises(ProfileError):
        replace(T, **change)


def test_content_rules_get_the_same_findings_under_the_profile() -> None:
    content = ContentFacts(
        duration=300.0,
        frame_width=1920,
        frame_height=1080,
        analysed_height=180,
        samples=(),
        audio=replace(GOOD, noise_dbfs=-30.0),
    )
    strict = Profile(severities={"audio-noise": Severity.ERROR})
    found = evaluate(content, None, strict)  # the media facts play no part in the sound's rules
    assert [(f.rule, f.severity) for f in found] == [("audio-noise", Severity.ERROR)]
    assert [f.rule for f in evaluate(replace(content, audio=None), None, Profile())] == ["audio-unchecked"]
