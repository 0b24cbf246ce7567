"""Reading FFmpeg's machine-readable progress (``-progress pipe:1``), not its human-readable log.

FFmpeg writes blocks of ``key=value`` lines, each ending with ``progress=continue`` (or ``end``).
``out_time_us`` is how much output has been written, in microseconds; it is ``N/A`` until the
first frame leaves the encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

ProgressCallback = Callable[[float], None]
"""Called with the seconds of output written so far."""


def seconds_written(lines: Iterable[str], on_progress: ProgressCallback) -> float:
    """Feed ``on_progress`` once per progress block; return the last position seen, in seconds."""
    position = 0.0
    for raw in lines:
        key, _, value = raw.strip().partition("=")
        if key == "out_time_us":
            try:
                position = max(position, int(value) / 1_000_000)
            except ValueError:  # "N/A" before the first frame
                continue
        elif key == "progress":
            on_progress(position)
    return position
