"""Retries with exponential backoff and full jitter, honouring the server's own retry-after.

Only what a retry can cure is retried: throttling, 5xx answers and (for calls safe to repeat) a
broken connection. Client errors are final. The sleep function and the random source are injected,
so tests run without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how long to wait."""

    attempts: int = 6
    """Tries in all, the first included."""
    base_seconds: float = 0.5
    """Backoff before the second try; doubles every time."""
    cap_seconds: float = 20.0
    """Longest backoff (before jitter)."""
    max_retry_after_seconds: float = 60.0
    """Longest wait a server's ``retry-after`` may ask for."""

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based): full jitter on the
        exponential step, and never less than the server asked for."""
        step = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        wait = rng.uniform(0, step)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after_seconds))
        return wait


@dataclass(frozen=True)
class Verdict:
    """What to do about one failure."""

    retry: bool
    retry_after: float | None = None
    """Seconds the server asked to wait, when it said."""
    attempts: int | None = None
    """At most this many tries in all for this kind of failure (fewer than the policy's), e.g. for a
    server that does not answer: waiting for it again and again only delays the verdict."""


def call_with_retry(
    call: Callable[[], T],
    judge: Callable[[Exception], Verdict],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    on_retry: Callable[[int, float, Exception], None] | None = None,
) -> T:
    """``call()``, again after a retryable failure, until it succeeds or the tries run out (the last
    exception propagates)."""
    rng = rng or random.Random()
    attempt = 1
    while True:
        try:
            return call()
        except Exception as exc:
            verdict = judge(exc)
            limit = min(policy.attempts, verdict.attempts or policy.attempts)
            if not verdict.retry or attempt >= limit:
                raise
            wait = policy.delay(attempt, rng, verdict.retry_after)
            if on_retry is not None:
                on_retry(attempt, wait, exc)
            sleep(wait)
            attempt += 1
