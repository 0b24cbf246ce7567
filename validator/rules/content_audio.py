"""Judgements on the sound of a take: facts from :func:`validator.content.audio.analyse_audio`,
thresholds from the profile, findings out. Nothing here touches a file or imports numpy.

Levels are dBFS of the 16 kHz mono signal the speech detector hears (0-8 kHz), peaks and clipping
are of the samples as decoded. The defaults, and where each comes from, are on :class:`AudioThresholds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from validator.errors import ProfileError
from validator.findings import Finding, Severity, sort_findings

if TYPE_CHECKING:  # the profile holds AudioThresholds: a plain check must not load the content records
    from validator.content.facts import AudioContent, ContentFacts, Span
    from validator.facts import MediaFacts
    from validator.profile import Profile

SeverityOf = Callable[[str], "Severity | None"]
"""A rule id to its severity under the profile (``None``: the rule is off); ``Profile.severity``."""


@dataclass(frozen=True, slots=True)
class AudioThresholds:
    """What the sound of a take must be. Frozen and validated on construction (profile data)."""

    min_speech_share: float = 0.3
    """Below this share (0-1) of the take in speech, ``speech-low``. No provider publishes a minimum:
    HeyGen only rejects a take with no speech at all (error 400624). A take read from a script is
    mostly speech, so 30% warns only when most of it is silent, which no training take should be."""
    min_lead_in: float = 1.0
    """Seconds of silence the take must open with, else ``lead-in-silence``: Tencent Cloud asks for
    1-3 s silent with the mouth closed at the start (Huawei MetaStudio 15-20 s; Tavus a listening
    segment); 1 s is the least any of them accepts."""
    min_speech_dbfs: float = -35.0
    """Quietest accepted RMS level of the speech, dBFS (``audio-level``). EBU R128 sets programme
    loudness at -23 LUFS (for speech its unweighted RMS reads within a few dB of that); 12 dB either
    side is where a voice recording is plainly too quiet or too hot, not a matter of taste (audiobook
    practice, ACX, asks for -23 to -18 dB RMS)."""
    max_speech_dbfs: float = -11.0
    """Loudest accepted RMS level of the speech, dBFS: -23 + 12 (see ``min_speech_dbfs``). Above it the
    voice is limited or clipping."""
    max_clipped_share: float = 0.0001
    """Share (0-1) of samples in clipped runs above which ``audio-clipping`` fires: 0.01%, about 0.1 s
    of a 15-minute take. Broadcast delivery allows no clipping at all (EBU R128 caps true peak at
    -1 dBTP); the margin lets a stray full-scale plosive pass. A lossy codec (AAC) smooths flat tops
    into ripple, so on AAC the measured share is a lower bound (a fifth of the truth, measured)."""
    max_noise_dbfs: float = -50.0
    """Loudest accepted noise floor between phrases, dBFS (``audio-noise``). ACX asks audiobook masters
    for a floor at or below -60 dB RMS; a training take is not a master, so 10 dB more is tolerated."""
    long_pause: float = 5.0
    """Seconds of silence shown as a span where ``speech-low`` fires (shorter pauses are phrasing)."""
    noise_pause: float = 1.0
    """Pauses at least this long are shown as where to listen when ``audio-noise`` fires."""
    vad_aggressiveness: int = 2
    """webrtcvad's mode for :func:`~validator.content.audio.analyse_audio` (0-3). Measured on
    espeak-ng speech under white noise from -60 to -35 dBFS: mode 1 took the codec's start-up
    transient for speech, modes 2 and 3 found the same phrases."""
    speech_merge_gap: float = 0.3
    """Speech closer than this (seconds) is one segment: pauses between words, not between phrases."""

    def __post_init__(self) -> None:
        for name in ("min_speech_share", "max_clipped_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ProfileError(f"{name} must be between 0 and 1")
        for name in ("min_lead_in", "long_pause", "noise_pause", "speech_merge_gap"):
            if getattr(self, name) < 0:
                raise ProfileError(f"{name} must not be negative")
        levels = ("min_speech_dbfs", "max_speech_dbfs", "max_noise_dbfs")
        if any(getattr(self, name) > 0 for name in levels):
            raise ProfileError(f"{', '.join(levels)} must be at most 0 dBFS")
        if self.min_speech_dbfs >= self.max_speech_dbfs:
            raise ProfileError("min_speech_dbfs must be below max_speech_dbfs")
        if self.vad_aggressiveness not in (0, 1, 2, 3):
            raise ProfileError("vad_aggressiveness must be 0, 1, 2 or 3")


THRESHOLD_NAMES = tuple(f.name for f in fields(AudioThresholds))
"""The keys a profile may set for the audio rules."""


def audio_findings(
    audio: AudioContent | None,
    thresholds: AudioThresholds,
    *,
    error: str | None = None,
    severity: SeverityOf | None = None,
) -> list[Finding]:
    """Every audio finding for one take, errors first.

    ``audio`` is ``None`` when the file has no audio track, or when decoding it failed: then ``error``
    is the :class:`~validator.errors.DecodeError`'s reason. ``severity`` applies the profile's
    overrides (default: the catalog's severities).
    """
    from validator.rules.catalog import RULES

    drafts = [_unchecked(error)] if audio is None else _judge(audio, thresholds)
    out: list[Finding] = []
    for draft in drafts:
        level = severity(draft.rule) if severity else RULES[draft.rule].severity
        if level is not None:
            out.append(draft.finding(level))
    return list(sort_findings(out))


def evaluate(content: ContentFacts, facts: MediaFacts, profile: Profile) -> tuple[Finding, ...]:
    """:func:`audio_findings` as ``--content``'s rules call it: the profile's ``audio`` thresholds
    and severities, and ``content.audio_problem`` as the error."""
    problem = content.audio_problem
    return tuple(audio_findings(content.audio, profile.audio, error=problem, severity=profile.severity))


@dataclass(frozen=True, slots=True)
class _Draft:
    rule: str
    message: str
    expected: str
    actual: str
    fix: str
    at: tuple[Span, ...] = ()

    def finding(self, severity: Severity) -> Finding:
        return Finding(self.rule, severity, self.message, self.expected, self.actual, self.fix, at=self.at)


def _judge(audio: AudioContent, t: AudioThresholds) -> list[_Draft]:
    found = [
        _speech_low(audio, t),
        _lead_in(audio, t),
        _clipping(audio, t),
        _level(audio, t),
        _noise(audio, t),
    ]
    return [d for d in found if d is not None]


def _unchecked(error: str | None) -> _Draft:
    if error is None:
        return _Draft(
            "audio-unchecked",
            "The take has no audio track: speech, lead-in silence, levels and noise could not be checked.",
            "an audio track with the speaker's voice",
            "no audio track",
            "Record the voice into the same file (camera or external microphone), or mux the recorded "
            "sound in: ffmpeg -i take.mp4 -i voice.wav -map 0:v -map 1:a -c:v copy -c:a aac out.mp4",
        )
    return _Draft(
        "audio-unchecked",
        f"The sound could not be checked: {error}.",
        "a decodable audio track",
        error,
        "Re-export the sound as AAC: ffmpeg -i take.mp4 -map 0:v -map 0:a:0 -c:v copy -c:a aac "
        "-b:a 192k out.mp4 (if that fails too, mux in the original recording of the voice).",
    )


def _speech_low(audio: AudioContent, t: AudioThresholds) -> _Draft | None:
    if audio.speech_share >= t.min_speech_share:
        return None
    silent = _gaps(audio, t.long_pause)
    return _Draft(
        "speech-low",
        f"Speech covers {audio.speech_share:.0%} of the take: the avatar's voice and lips are trained "
        "from the speaker talking.",
        f"speech in at least {t.min_speech_share:.0%} of the take",
        f"{audio.speech_share:.0%} ({_seconds(audio.duration * audio.speech_share)} of "
        f"{_seconds(audio.duration)})",
        "Re-record the take speaking naturally and continuously (read a script aloud), with the "
        "microphone's sound recorded into the file.",
        silent,
    )


def _lead_in(audio: AudioContent, t: AudioThresholds) -> _Draft | None:
    if not audio.speech or audio.speech[0].start >= t.min_lead_in:
        return None
    first = audio.speech[0]
    return _Draft(
        "lead-in-silence",
        f"Speech starts {_seconds(first.start)} into the take: it should open with at least "
        f"{_seconds(t.min_lead_in)} of silence, mouth closed.",
        f"at least {_seconds(t.min_lead_in)} of silence before the first word",
        f"speech from {_seconds(first.start)}",
        "Start recording 2 s before speaking and keep the mouth closed until then (or trim the take "
        "so it opens on a silent, closed-mouth moment).",
        (first,),
    )


def _clipping(audio: AudioContent, t: AudioThresholds) -> _Draft | None:
    if audio.clipped_share <= t.max_clipped_share:
        return None
    seconds = sum(s.end - s.start for s in audio.clipped)
    return _Draft(
        "audio-clipping",
        f"The sound clips in {len(audio.clipped)} place(s): the samples hit full scale and the voice "
        "distorts.",
        f"at most {t.max_clipped_share:.2%} of samples clipped",
        f"at least {audio.clipped_share:.2%} of samples clipped (peak {audio.peak_dbfs:+.1f} dBFS), "
        f"spread over {_seconds(seconds)}",
        "Re-record with the microphone gain lowered until peaks stay below -6 dBFS; lowering the "
        "volume afterwards does not undo clipping.",
        audio.clipped,
    )


def _level(audio: AudioContent, t: AudioThresholds) -> _Draft | None:
    level = audio.speech_dbfs
    if level is None or t.min_speech_dbfs <= level <= t.max_speech_dbfs:
        return None
    quiet = level < t.min_speech_dbfs
    if quiet:
        fix = (
            "Re-record with the microphone closer (15-30 cm) or its gain raised until speech averages "
            "about -23 dBFS with peaks below -6 dBFS; raising the volume afterwards raises the noise too."
        )
    else:
        fix = "Re-record with the microphone gain lowered until speech averages about -23 dBFS."
    return _Draft(
        "audio-level",
        f"The speech is too {'quiet' if quiet else 'loud'}: {level:.1f} dBFS RMS.",
        f"speech between {t.min_speech_dbfs:.0f} and {t.max_speech_dbfs:.0f} dBFS RMS",
        f"{level:.1f} dBFS RMS (peak {audio.peak_dbfs:+.1f} dBFS)",
        fix,
    )


def _noise(audio: AudioContent, t: AudioThresholds) -> _Draft | None:
    noise = audio.noise_dbfs
    if noise is None or noise <= t.max_noise_dbfs:
        return None
    snr = "" if audio.speech_dbfs is None else f", {audio.speech_dbfs - noise:.0f} dB below the speech"
    return _Draft(
        "audio-noise",
        f"The noise between phrases is loud: {noise:.1f} dBFS{snr}.",
        f"a noise floor at or below {t.max_noise_dbfs:.0f} dBFS",
        f"{noise:.1f} dBFS",
        "Re-record in a quieter room: switch off fans and air conditioning, close windows, move the "
        "microphone closer to the speaker and away from the computer.",
        _gaps(audio, t.noise_pause),
    )


def _gaps(audio: AudioContent, shortest: float) -> tuple[Span, ...]:
    """The stretches without speech that last at least ``shortest`` seconds, in time order."""
    from validator.content.facts import Span

    edges = [0.0]
    for span in audio.speech:
        edges += [span.start, span.end]
    edges.append(audio.duration)
    pairs = zip(edges[0::2], edges[1::2], strict=True)
    return tuple(Span(a, b) for a, b in pairs if b - a >= shortest and b > a)


def _seconds(value: float) -> str:
    return f"{value:.1f} s"
