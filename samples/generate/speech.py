"""The sound of a content take: real speech from ``espeak-ng`` (Debian package ``espeak-ng``).

A few sentences are synthesised once per process, trimmed to their voiced part and levelled; a take's
track is the silent lead-in, then the sentences with pauses between them, over and over. Where each
sentence lies is known exactly, so the tests' expected speech segments come from how the track was
built (:func:`speech_spans`), not from a detector.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from validator.content.facts import Span

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from samples.generate.content import TakeSpec

    Floats = NDArray[np.float32]

RATE = 22050
"""espeak-ng's native rate; the writer resamples to the encoder's."""
SENTENCES = (
    "Hello, and welcome to this short introduction.",
    "Today I will explain how our product helps your team every day.",
    "It takes only a few minutes to set up.",
    "Let me show you the three steps that matter most.",
    "Thank you for watching, and see you soon.",
)
PAUSES = (0.9, 1.4, 0.8, 1.2, 1.6)
"""Seconds of silence after each sentence: a speaker's breath between phrases."""
PEAK = 0.5
"""Each sentence peaks at -6 dBFS: a normal recording level."""
NOISE_FLOOR = 3e-4
"""Room noise under everything (about -70 dBFS): real tracks are never digital silence."""
CLIP_GAIN = 20.0
"""The ``clipped`` take: the speech is driven 20x (+26 dB) into the ceiling, ~15% of the samples
at full scale before encoding. AAC smears the flat tops (decoded: ~1.8% of samples at 0.9 or more,
~0.1% at 0.99 or more, some above 1.0); unclipped takes have none at 0.9."""


class SpeechUnavailable(RuntimeError):
    """``espeak-ng`` is not installed."""


def _synthesise(text: str, folder: Path, index: int) -> Floats:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechUnavailable("espeak-ng not found (Debian: apt-get install -y espeak-ng)")
    out = folder / f"s{index}.wav"
    subprocess.run(
        [exe, "-v", "en-us", "-s", "150", "-w", str(out), text],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with wave.open(str(out)) as w:
        if w.getframerate() != RATE or w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise RuntimeError(f"espeak-ng wrote {w.getframerate()} Hz, {w.getnchannels()} channels")
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(pcm) > 0.02)  # trim espeak's own leading and trailing silence
    pcm = pcm[loud[0] : loud[-1] + 1] if loud.size else pcm
    return (pcm * (PEAK / max(1e-6, float(np.max(np.abs(pcm)))))).astype(np.float32)


@functools.cache
def sentences() -> tuple[Floats, ...]:
    """The synthesised sentences, each levelled to :data:`PEAK` (once per process)."""
    with tempfile.TemporaryDirectory(prefix="take-speech-") as tmp:
        return tuple(_synthesise(text, Path(tmp), i) for i, text in enumerate(SENTENCES))


@functools.cache
def cycle() -> tuple[Floats, tuple[Span, ...]]:
    """One round of every sentence and its pause, and where the sentences lie in it (seconds)."""
    parts: list[Floats] = []
    spans: list[Span] = []
    at = 0
    for pcm, pause in zip(sentences(), PAUSES, strict=True):
        spans.append(Span(at / RATE, (at + pcm.size) / RATE))
        parts += [pcm, np.zeros(round(pause * RATE), np.float32)]
        at += pcm.size + round(pause * RATE)
    return np.concatenate(parts), tuple(spans)


def speech_spans(spec: TakeSpec) -> tuple[Span, ...]:
    """Where speech is in the take, in seconds (empty for a take without speech)."""
    if not spec.audio or not spec.speech:
        return ()
    pcm, spans = cycle()
    period = pcm.size / RATE
    out: list[Span] = []
    start = spec.lead_in
    while start < spec.duration:
        for s in spans:
            if start + s.start >= spec.duration:
                break
            out.append(Span(round(start + s.start, 3), round(min(spec.duration, start + s.end), 3)))
        start += period
    return tuple(out)


def samples(spec: TakeSpec, first: int, count: int) -> Floats:
    """Samples ``first`` to ``first + count`` of the take's track at :data:`RATE`, as float32."""
    rng = np.random.default_rng(first)
    out = rng.normal(0.0, NOISE_FLOOR, count).astype(np.float32)
    if not spec.speech:
        return out
    pcm, _spans = cycle()
    lead = round(spec.lead_in * RATE)
    index = np.arange(first, first + count) - lead
    voiced = index >= 0
    words = pcm[index[voiced] % pcm.size]
    if spec.clipped:  # the voice is overdriven, not the room
        words = np.clip(words * CLIP_GAIN, -1.0, 1.0)
    out[voiced] += words
    return out
