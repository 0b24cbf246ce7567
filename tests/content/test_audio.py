"""The sound checks on real speech: espeak-ng phrases laid out and altered on purpose, muxed with
PyAV, analysed with ``analyse_audio`` and judged with ``audio_findings``.

Each case records how it was built (where the phrases are, at what level), so each expected verdict
comes from the construction, not from the tool. The files are audio with a 64x64 picture: full takes
with a face come from ``samples/generate``. espeak-ng missing fails the tests, it never skips them.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from validator.content.audio import analyse_audio
from validator.content.facts import AudioContent
from validator.errors import DecodeError
from validator.rules.content_audio import AudioThresholds, audio_findings

RATE = 48_000
PHRASES = ("The quick brown fox jumps over the lazy dog.", "Keep the camera still and look into the lens.")
DEFAULTS = AudioThresholds()
Samples = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Take:
    """A mono signal (1.0 is full scale) and where its phrases were put, in seconds."""

    samples: Samples
    phrases: tuple[tuple[float, float], ...]
    speech_dbfs: float
    noise_dbfs: float

    def phrase(self, index: int) -> slice:
        start, end = self.phrases[index]
        return slice(round(start * RATE), round(end * RATE))


def say(text: str, folder: Path) -> Samples:
    """``text`` spoken by espeak-ng, trimmed to the voice, at :data:`RATE`, peaking at full scale."""
    if shutil.which("espeak-ng") is None:
        pytest.fail(
            "espeak-ng is not installed (Debian: apt-get install espeak-ng); the sound tests need speech"
        )
    out = folder / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-w", str(out), text], check=True, capture_output=True)
    with wave.open(str(out)) as wav:
        rate = wav.getframerate()
        voice = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768.0
    loud = np.flatnonzero(np.abs(voice) > 0.01)
    voice = voice[loud[0] : loud[-1] + 1]
    resampled = np.interp(np.arange(voice.size * RATE // rate) / RATE, np.arange(voice.size) / rate, voice)
    return np.asarray(resampled / np.abs(resampled).max())


def lay_out(
    voices: list[Samples], *, lead_in: float = 2.0, speech_dbfs: float = -20.0, noise_dbfs: float = -75.0
) -> Take:
    """The phrases after ``lead_in`` s of silence, 0.8 s apart, 1 s of tail; the speech scaled to an
    RMS of ``speech_dbfs``; white noise at an RMS of ``noise_dbfs`` throughout (no room is silent)."""
    parts, phrases, at = [np.zeros(round(lead_in * RATE))], [], lead_in
    for i, voice in enumerate(voices):
        gap = np.zeros(round((0.8 if i < len(voices) - 1 else 1.0) * RATE))
        phrases.append((at, at + voice.size / RATE))
        parts += [voice, gap]
        at += (voice.size + gap.size) / RATE
    gain = 10 ** (speech_dbfs / 20) / np.sqrt(np.mean(np.concatenate(voices) ** 2))
    samples = np.concatenate(parts) * gain
    samples += np.random.default_rng(7).normal(0.0, 10 ** (noise_dbfs / 20), samples.size)
    return Take(samples, tuple(phrases), speech_dbfs, noise_dbfs)


def write(path: Path, samples: Samples | None, codec: str = "aac", delay: int = 0) -> Path:
    """The samples as a stereo track (``aac`` in MP4, ``pcm_s16le`` in MOV), starting ``delay``
    samples after a 64x64 5 fps picture as long as the sound (2 s without sound)."""
    seconds = 2.0 if samples is None else samples.size / RATE
    with av.open(str(path), "w") as out:
        picture = out.add_stream("libx264", rate=5)
        picture.width = picture.height = 64
        picture.pix_fmt = "yuv420p"
        if samples is not None:
            sound = out.add_stream(codec, rate=RATE, layout="stereo")
            stereo = np.stack([samples, samples]).astype(np.float32)
            for start in range(0, samples.size, 1024):
                block = stereo[:, start : start + 1024]
                if codec == "aac":
                    frame = av.AudioFrame.from_ndarray(block.copy(), format="fltp", layout="stereo")
                else:
                    pcm = np.clip(np.round(block * 32767), -32768, 32767).astype("<i2")
                    frame = av.AudioFrame.from_ndarray(
                        pcm.T.reshape(1, -1).copy(), format="s16", layout="stereo"
                    )
                frame.sample_rate, frame.pts = RATE, start + delay
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
        for i in range(int(seconds * 5)):
            image = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 9 % 256, np.uint8), format="rgb24")
            image.pts = i
            out.mux(picture.encode(image))
        out.mux(picture.encode(None))
    return path


def garbage_aac(path: Path) -> Path:
    """An MP4 whose AAC track is random bytes: it demuxes, it does not decode."""
    rng = np.random.default_rng(3)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=RATE, layout="stereo")
        stream.codec_context.extradata = bytes([0x11, 0x90])  # AAC-LC, 48 kHz, stereo
        for i in range(100):
            packet = av.Packet(rng.integers(0, 256, 300, dtype=np.uint8).tobytes())
            packet.stream, packet.time_base = stream, Fraction(1, RATE)
            packet.pts = packet.dts = i * 1024
            out.mux(packet)
    return path


def clip_second_phrase(take: Take, gain: float = 3.0) -> Take:
    """The second phrase amplified and hard-clipped at full scale: the others stay clean."""
    samples = take.samples.copy()
    where = take.phrase(1)
    samples[where] = np.clip(samples[where] * gain, -1.0, 1.0)
    return Take(samples, take.phrases, take.speech_dbfs, take.noise_dbfs)


def hot(take: Take) -> Take:
    """Scaled until the highest peak is at -0.3 dBFS: loud, never flat."""
    samples = take.samples * (10 ** (-0.3 / 20) / np.abs(take.samples).max())
    return Take(samples, take.phrases, take.speech_dbfs, take.noise_dbfs)


def silence(take: Take) -> Take:
    """The same length of room noise, with nobody speaking."""
    noise = np.random.default_rng(11).normal(0.0, 10 ** (take.noise_dbfs / 20), take.samples.size)
    return Take(noise, (), take.speech_dbfs, take.noise_dbfs)


# name: (how the sound is built from the two phrases, codec, the rules the construction breaks)
CASES: dict[str, tuple[Callable[[list[Samples]], Take], str, set[str]]] = {
    "steady": (lambda v: lay_out(v), "aac", set()),
    "steady_pcm": (lambda v: lay_out(v), "pcm_s16le", set()),
    "hot": (lambda v: hot(lay_out(v)), "aac", set()),
    "silent": (lambda v: silence(lay_out(v)), "pcm_s16le", {"speech-low"}),
    "early": (lambda v: lay_out(v, lead_in=0.2), "pcm_s16le", {"lead-in-silence"}),
    "clipped": (lambda v: clip_second_phrase(lay_out(v)), "pcm_s16le", {"audio-clipping"}),
    "clipped_aac": (lambda v: clip_second_phrase(lay_out(v)), "aac", {"audio-clipping"}),
    "quiet": (lambda v: lay_out(v, speech_dbfs=-40.0), "pcm_s16le", {"audio-level"}),
    "noisy": (lambda v: lay_out(v, noise_dbfs=-40.0), "pcm_s16le", {"audio-noise"}),
}


@pytest.fixture(scope="session")
def takes(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Take, Path]]:
    """``takes(name)`` -> the built take and its file, made once per session on first use."""
    folder = tmp_path_factory.mktemp("audio")
    voices: list[Samples] = []
    made: dict[str, tuple[Take, Path]] = {}

    def get(name: str) -> tuple[Take, Path]:
        if not voices:
            voices.extend(say(text, folder) for text in PHRASES)
        if name not in made:
            build, codec, _ = CASES[name]
            take = build(voices)
            path = write(folder / f"{name}.{'mp4' if codec == 'aac' else 'mov'}", take.samples, codec)
            made[name] = (take, path)
        return made[name]

    return get


def analysed(path: Path) -> AudioContent:
    audio = analyse_audio(str(path), aggressiveness=DEFAULTS.vad_aggressiveness)
    assert audio is not None
    return audio


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_take_gets_the_findings_its_construction_calls_for(
    name: str, takes: Callable[[str], tuple[Take, Path]]
) -> None:
    _, path = takes(name)
    findings = audio_findings(analysed(path), DEFAULTS)
    assert {f.rule for f in findings} == CASES[name][2]
    for finding in findings:
        assert finding.fix and finding.expected and finding.actual, finding.rule


@pytest.mark.parametrize("name", ["steady", "steady_pcm"])
def test_the_phrases_are_found_where_they_were_put(
    name: str, takes: Callable[[str], tuple[Take, Path]]
) -> None:
    take, path = takes(name)
    audio = analysed(path)
    assert len(audio.speech) == len(take.phrases)
    for found, (start, end) in zip(audio.speech, take.phrases, strict=True):
        assert abs(found.start - start) <= 0.1
        assert end - 0.35 <= found.end <= end + 0.25  # the VAD's edges are soft by a few frames
    assert abs(audio.speech_dbfs - take.speech_dbfs) <= 1.5 if audio.speech_dbfs else False
    assert audio.duration == pytest.approx(take.samples.size / RATE, abs=0.05)
    assert audio.clipped == () and audio.peak_dbfs < 0


def test_a_silent_take_is_silent_where_it_says(takes: Callable[[str], tuple[Take, Path]]) -> None:
    take, path = takes("silent")
    finding = next(f for f in audio_findings(analysed(path), DEFAULTS) if f.rule == "speech-low")
    covered = sum(s.end - s.start for s in finding.at)
    assert covered >= 0.95 * take.samples.size / RATE


def test_speech_from_the_start_is_pointed_at(takes: Callable[[str], tuple[Take, Path]]) -> None:
    take, path = takes("early")
    finding = next(f for f in audio_findings(analysed(path), DEFAULTS) if f.rule == "lead-in-silence")
    assert len(finding.at) == 1
    assert abs(finding.at[0].start - take.phrases[0][0]) <= 0.1


@pytest.mark.parametrize("name", ["clipped", "clipped_aac"])
def test_clipping_is_found_in_the_phrase_that_was_clipped(
    name: str, takes: Callable[[str], tuple[Take, Path]]
) -> None:
    take, path = takes(name)
    finding = next(f for f in audio_findings(analysed(path), DEFAULTS) if f.rule == "audio-clipping")
    start, end = take.phrases[1]
    assert finding.at and all(start - 0.05 <= s.start < s.end <= end + 0.05 for s in finding.at)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], np.abs(take.samples) >= 1.0, [0]))))
    built = [(a / RATE, b / RATE) for a, b in zip(edges[0::2], edges[1::2], strict=True) if b - a >= 3]
    inside = [a for a, b in built if any(s.start - 0.03 <= a and b <= s.end + 0.03 for s in finding.at)]
    # PCM: every flat top the construction made is inside a span; AAC decodes the shortest flat tops
    # (a few samples) as ripple under full scale, and some of them go unseen
    assert len(inside) >= (1.0 if name == "clipped" else 0.5) * len(built)
    voiced = np.concatenate([take.samples[take.phrase(i)] for i in range(len(take.phrases))])
    level = 10 * np.log10(np.mean(voiced**2))
    assert level < DEFAULTS.max_speech_dbfs - 1.5, "the construction should clip without being too loud"


def test_levels_are_measured_as_built(takes: Callable[[str], tuple[Take, Path]]) -> None:
    quiet, path = takes("quiet")
    assert analysed(path).speech_dbfs == pytest.approx(quiet.speech_dbfs, abs=1.5)
    noisy, path = takes("noisy")
    # white noise keeps a third of its power below 8 kHz, the band the 16 kHz analysis hears
    assert analysed(path).noise_dbfs == pytest.approx(noisy.noise_dbfs + 10 * np.log10(1 / 3), abs=1.5)


def test_no_audio_track_says_the_sound_was_not_checked(tmp_path: Path) -> None:
    assert analyse_audio(str(write(tmp_path / "mute.mp4", None))) is None
    findings = audio_findings(None, DEFAULTS)
    assert [f.rule for f in findings] == ["audio-unchecked"]
    assert "no audio track" in findings[0].message


def test_an_undecodable_track_is_a_typed_error_then_a_finding(tmp_path: Path) -> None:
    with pytest.raises(DecodeError) as caught:
        analyse_audio(str(garbage_aac(tmp_path / "garbage.mp4")))
    findings = audio_findings(None, DEFAULTS, error=caught.value.reason)
    assert [f.rule for f in findings] == ["audio-unchecked"]
    assert findings[0].actual == caught.value.reason and "aac" in caught.value.reason


def test_sound_that_starts_late_is_placed_on_the_pictures_clock(
    takes: Callable[[str], tuple[Take, Path]], tmp_path: Path
) -> None:
    take, _ = takes("steady_pcm")
    late = analysed(write(tmp_path / "late.mov", take.samples, "pcm_s16le", delay=RATE // 2))
    assert abs(late.speech[0].start - (take.phrases[0][0] + 0.5)) <= 0.1
