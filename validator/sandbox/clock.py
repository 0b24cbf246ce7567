"""Time for the sandbox: one injectable source of "now", in seconds since the epoch.

Signatures, job progress and media preparation all read the same clock, so a test can move the
sandbox's notion of time (for example twenty minutes ahead, to make a real SDK's timestamp look
expired) without touching the client. Wall-clock seconds, not a monotonic counter, because job
timestamps are stored and must still mean something after a restart.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the time."""

    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    """The machine's wall clock."""

    def now(self) -> float:
        return time.time()


class ShiftedClock:
    """The wall clock plus an offset that can be changed while the sandbox runs."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    @property
    def offset(self) -> float:
        """Seconds added to the wall clock."""
        with self._lock:
            return self._offset

    def shift(self, offset: float) -> None:
        """Set the offset (seconds; negative moves the sandbox into the past)."""
        with self._lock:
            self._offset = offset


def iso8601(epoch: float) -> str:
    """``2024-05-01T12:00:00Z``: the format the ICE API uses for times."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def http_date(epoch: float) -> str:
    """``Wed, 01 May 2024 12:00:00 GMT``: the format of HTTP date headers."""
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(epoch))
