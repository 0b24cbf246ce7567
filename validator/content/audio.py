"""The sound of a take: speech segments, levels and clipping, from one pass over the audio track.

The track is demuxed alone (the video packets are read past, never decoded) and decoded once. The
decoded frames are gathered into chunks of about a second, so memory stays bounded whatever the
length: what is kept is one figure pair per 30 ms (speech flag, energy) and the spans found so far
(15 minutes: ~2 MB of Python and numpy memory at the peak, measured with tracemalloc).
Each chunk is seen twice:

- as decoded (native rate and channels), for the peak and the clipping: resampling smooths a flat
  top into ripple, and a downmix hides a channel that clipped alone;
- resampled to 16 kHz mono s16 (``av.AudioResampler``), for webrtcvad (30 ms frames) and the levels.

Chunks rather than frames because the per-call cost dominates: resampling and converting each
1024-sample AAC frame on its own took 5x longer than decoding the track (15 minutes: ~20 s against
~3 s, measured on the shared 2-core machine); ``av.AudioFifo`` gathers the frames in C for free.

numpy and webrtcvad are imported here only: this module is loaded by ``--content`` alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validator.content.facts import AudioContent, Span
from validator.errors import DecodeError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

RATE = 16_000
"""Rate the speech analysis runs at (one of the four webrtcvad accepts)."""
FRAME = 480
"""Samples in one 30 ms frame at :data:`RATE` (webrtcvad takes 10, 20 or 30 ms)."""
FRAME_SECONDS = FRAME / RATE
SILENCE_DBFS = -100.0
"""What digital silence reads as: below a 16-bit file's lowest step (-90 dBFS), and finite for JSON."""
_CLIP_RUN = 3
"""Consecutive samples at the clip level that count as clipping: one is a normalised peak, three in
a row are a flat top (Audacity's Find Clipping starts at 3 samples by default, too)."""
_PAUSE_MARGIN = 3
"""Frames (90 ms) either side of a speech segment left out of the noise floor: the VAD's edges are
soft, and a phrase's breath or decay is not the room's noise."""
_BAD_SHARE = 0.05
"""Share of packets that may fail to decode before the track counts as undecodable: a damaged
packet or two in a long take is skipped (a gap of ~20 ms each), a track of garbage is not."""
_SAMPLE_TYPES = {"u8": "u1", "s16": "<i2", "s32": "<i4", "s64": "<i8", "flt": "<f4", "dbl": "<f8"}
"""FFmpeg's sample formats (without the planar ``p``) as numpy types."""


@dataclass(frozen=True, slots=True)
class _Settings:
    aggressiveness: int
    merge_gap: float
    min_speech: float
    clip_level: float
    clip_gap: float


def analyse_audio(
    path: str,
    *,
    aggressiveness: int = 2,
    merge_gap: float = 0.3,
    min_speech: float = 0.12,
    clip_level: float = 0.95,
    clip_gap: float = 0.5,
) -> AudioContent | None:
    """Measure the first audio track of ``path``; ``None`` when the file has none.

    ``aggressiveness`` is webrtcvad's mode (0-3: higher rejects more non-speech); speech runs closer
    than ``merge_gap`` seconds are one segment and shorter ones than ``min_speech`` are dropped (a
    click, a breath). Samples at or above ``clip_level`` of full scale, three or more in a row, are
    clipped: not 1.0 exactly, because AAC decodes a flat top as ripple around it (on the tests'
    clipped AAC, 0.99 saw a sixth of what 0.95 sees, and 0.95 a fifth of the truth); not lower than
    0.95 (-0.45 dBFS), because an unclipped AAC take peaking at -0.3 dBFS then read as clipped.
    Clipped runs closer than ``clip_gap`` seconds make one span.
    Raises :class:`~validator.errors.DecodeError` when the file or its audio track cannot be decoded.
    """
    if aggressiveness not in (0, 1, 2, 3):
        raise ValueError("aggressiveness must be 0, 1, 2 or 3")
    settings = _Settings(aggressiveness, merge_gap, min_speech, clip_level, clip_gap)
    import av

    try:
        container = av.open(path)
    except av.FFmpegError as exc:
        raise DecodeError(f"cannot open the file: {_reason(exc)}") from exc
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        try:
            return _measure(container, stream, settings)
        except (av.FFmpegError, ValueError) as exc:  # PyAV raises ValueError for a format it lacks
            name = stream.codec_context.name
            raise DecodeError(f"the audio track ({name}) cannot be decoded: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    """FFmpeg's own words without PyAV's errno and function name."""
    return str(getattr(exc, "strerror", None) or exc)


def _offset(container: Any, start: float | None) -> float:
    """Seconds from the video stream's start to the first decoded sound, ``start``: the records count
    from the video. The decoded frame, not the stream's start time, which counts AAC's priming."""
    video = container.streams.video[0] if container.streams.video else None
    if video is None or video.start_time is None or start is None:
        return 0.0
    return float(start - video.start_time * video.time_base)


def _measure(container: Any, stream: Any, settings: _Settings) -> AudioContent:
    """Decode the track and hand it on a second at a time, gathered in FFmpeg's own FIFO."""
    import av

    tally = _Tally(settings)
    resampler: Any = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    fifo: Any = None
    shape: tuple[int, str, str] | None = None
    packets = bad = 0
    start: float | None = None
    first_error: av.FFmpegError | None = None
    for packet in container.demux(stream):
        packets += 1
        try:
            frames = packet.decode()
        except av.FFmpegError as exc:  # a damaged packet: skip it, as players do, but count it
            bad += 1
            first_error = first_error or exc
            continue
        for frame in frames:
            this = (frame.sample_rate, frame.layout.name, frame.format.name)
            if this != shape:  # the stream changed rate, layout or format: a FIFO holds one of each
                if fifo is not None and fifo.samples:
                    _hand_on(tally, resampler, fifo.read())
                fifo, shape = av.AudioFifo(), this
            if start is None:
                start = frame.time
            frame.pts = None  # the FIFO checks continuity of stamps; times here count samples
            fifo.write(frame)
            if fifo.samples >= frame.sample_rate:
                _hand_on(tally, resampler, fifo.read(frame.sample_rate))
    if first_error is not None and bad > _BAD_SHARE * packets:
        raise first_error
    if fifo is not None and fifo.samples:
        _hand_on(tally, resampler, fifo.read())
    for out in resampler.resample(None):
        tally.mono(out.to_ndarray().reshape(-1))
    return tally.finish(_offset(container, start))


def _hand_on(tally: _Tally, resampler: Any, frame: Any) -> None:
    """About a second of audio to both views: as decoded, then resampled to 16 kHz mono."""
    tally.native(_normalised(frame), frame.sample_rate)
    for out in resampler.resample(frame):
        tally.mono(out.to_ndarray().reshape(-1))


def _normalised(frame: Any) -> npt.NDArray[np.float32]:
    """A decoded frame as ``(channels, samples)`` floats where 1.0 is full scale."""
    import numpy as np

    name: str = frame.format.name
    planar = name.endswith("p")
    kind = np.dtype(_SAMPLE_TYPES[name.rstrip("p")])
    channels = len(frame.layout.channels)
    count = frame.samples if planar else frame.samples * channels
    planes = [np.frombuffer(plane, dtype=kind, count=count) for plane in frame.planes]
    array = np.stack(planes) if planar else planes[0].reshape(-1, channels).T
    if kind.kind == "f":
        return array.astype(np.float32)
    if kind.kind == "u":  # 8-bit PCM is unsigned around 128
        return (array.astype(np.float32) - 128.0) / 128.0
    return array.astype(np.float32) / float(2 ** (kind.itemsize * 8 - 1))


class _Tally:
    """What the pass has gathered so far: per-frame figures, peak, clipped runs. Mutable on purpose:
    it is the loop's state, and only :meth:`finish` leaves the module, as an immutable record."""

    def __init__(self, settings: _Settings) -> None:
        import numpy as np
        import webrtcvad

        self._vad = webrtcvad.Vad(settings.aggressiveness)
        self._settings = settings
        self._pending = np.zeros(0, dtype=np.int16)
        self._flags: list[npt.NDArray[np.bool_]] = []
        self._energy: list[npt.NDArray[np.float64]] = []
        self._seconds = 0.0
        self._samples = 0
        self._clipped_samples = 0
        self._peak = 0.0
        self._clip_spans: list[list[float]] = []

    def native(self, samples: npt.NDArray[np.float32], rate: int) -> None:
        """Peak and clipping from ``(channels, samples)`` as decoded."""
        import numpy as np

        start = self._seconds
        self._seconds += samples.shape[1] / rate
        self._samples += samples.size
        if not samples.size:
            return
        magnitude = np.abs(samples)
        self._peak = max(self._peak, float(magnitude.max()))
        over = magnitude >= self._settings.clip_level
        if not over.any():
            return
        for first, last in _runs(over):
            self._clipped_samples += (last - first) * samples.shape[0]
            self._clip(start + first / rate, start + last / rate)

    def _clip(self, start: float, end: float) -> None:
        spans = self._clip_spans
        if spans and start - spans[-1][1] <= self._settings.clip_gap:
            spans[-1][1] = end
        else:
            spans.append([start, end])

    def mono(self, data: npt.NDArray[np.int16], *, final: bool = False) -> None:
        """Speech flag and energy of each whole 30 ms frame of 16 kHz samples; the rest waits."""
        import numpy as np

        data = np.concatenate([self._pending, data])
        whole = data.size // FRAME * FRAME
        if final and whole < data.size:  # the last partial frame, padded with silence
            data = np.concatenate([data, np.zeros(FRAME - data.size + whole, dtype=np.int16)])
            whole = data.size
        self._pending = data[whole:]
        frames = data[:whole].reshape(-1, FRAME)
        if not frames.size:
            return
        self._energy.append(np.square(frames, dtype=np.float64).sum(axis=1))
        raw = frames.tobytes()
        step = FRAME * 2
        speech = [self._vad.is_speech(raw[i : i + step], RATE) for i in range(0, len(raw), step)]
        self._flags.append(np.array(speech, dtype=bool))

    def finish(self, offset: float) -> AudioContent:
        """The record, with times moved by ``offset`` to count from the video stream's start."""
        import numpy as np

        self.mono(np.zeros(0, dtype=np.int16), final=True)
        flags = np.concatenate(self._flags) if self._flags else np.zeros(0, dtype=bool)
        energy = np.concatenate(self._energy) if self._energy else np.zeros(0)
        duration = self._seconds
        segments = _segments(flags, self._settings)
        kept = np.zeros(flags.size, dtype=bool)
        for first, last in segments:
            kept[first:last] = True
        speech = flags & kept

        def span(start: float, end: float) -> Span:
            return Span(round(max(0.0, start + offset), 3), round(max(0.0, min(end, duration) + offset), 3))

        spans = tuple(span(a * FRAME_SECONDS, b * FRAME_SECONDS) for a, b in segments)
        spoken = sum(s.end - s.start for s in spans)
        return AudioContent(
            duration=duration,
            speech=spans,
            speech_share=min(1.0, spoken / duration) if duration > 0 else 0.0,
            peak_dbfs=_dbfs(self._peak),
            speech_dbfs=_rms_dbfs(energy[speech]) if speech.any() else None,
            noise_dbfs=_noise_dbfs(energy, kept),
            clipped_share=self._clipped_samples / self._samples if self._samples else 0.0,
            clipped=tuple(span(a, b) for a, b in self._clip_spans),
        )


def _runs(over: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``[first, last)`` sample ranges where any channel stays at full scale for a clipping run."""
    import numpy as np

    hit = over.any(axis=0).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], hit, [0]))))
    starts, ends = edges[0::2], edges[1::2]
    long = ends - starts >= _CLIP_RUN
    return list(zip(starts[long].tolist(), ends[long].tolist(), strict=True))


def _segments(flags: npt.NDArray[np.bool_], settings: _Settings) -> list[tuple[int, int]]:
    """Frame ranges ``[first, last)`` of speech: runs merged across short pauses, short ones dropped."""
    import numpy as np

    if not flags.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    runs = list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))
    gap = settings.merge_gap / FRAME_SECONDS
    merged = [list(runs[0])]
    for first, last in runs[1:]:
        if first - merged[-1][1] <= gap:
            merged[-1][1] = last
        else:
            merged.append([first, last])
    shortest = settings.min_speech / FRAME_SECONDS
    return [(a, b) for a, b in merged if b - a >= shortest]


def _noise_dbfs(energy: npt.NDArray[np.float64], kept: npt.NDArray[np.bool_]) -> float | None:
    """The median level of the 30 ms frames in pauses: a median, so that a cough or a click in one
    pause does not raise the floor of the whole take."""
    import numpy as np

    near = kept.copy()
    for shift in range(1, _PAUSE_MARGIN + 1):
        near[shift:] |= kept[:-shift]
        near[:-shift] |= kept[shift:]
    pauses = energy[~near]
    if not pauses.size:
        return None
    return _dbfs(math.sqrt(float(np.median(pauses)) / FRAME) / 32768.0)


def _rms_dbfs(energy: npt.NDArray[np.float64]) -> float:
    return _dbfs(math.sqrt(float(energy.sum()) / (energy.size * FRAME)) / 32768.0)


def _dbfs(level: float) -> float:
    """A linear level (1.0 is full scale) in dBFS, to 0.1 dB, never below :data:`SILENCE_DBFS`."""
    if level <= 0:
        return SILENCE_DBFS
    return round(max(SILENCE_DBFS, 20 * math.log10(level)), 1)
