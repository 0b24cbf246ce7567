"""How long to wait for an answer and how to cut uploads, from two environment variables.

``AVATAR_PREFLIGHT_TIMEOUT`` (seconds) is the longest wait for one answer from ICE or OSS: on a slow
link raise it, in a test against a server that never answers lower it. ``AVATAR_PREFLIGHT_PART_SIZE``
(bytes, at least OSS's 100 KiB) sets the multipart part size; files of four parts or more go
multipart and become resumable. Unset, the defaults hold: ICE 5 s to connect and 20 s to answer,
OSS 60 s, 8 MiB parts above 32 MiB. A value that is not a finite positive number (``nan``, ``inf``,
``0``, ``-5``), or a timeout beyond :data:`MAX_TIMEOUT_SECONDS`, is a usage error: never "no limit".
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from validator.cloud.ice import Timeouts
from validator.cloud.storage import UploadTuning
from validator.errors import UsageError

TIMEOUT_ENV = "AVATAR_PREFLIGHT_TIMEOUT"
PART_SIZE_ENV = "AVATAR_PREFLIGHT_PART_SIZE"
MIN_PART_SIZE = 100 * 1024
"""OSS refuses smaller parts (all but the last)."""
PARTS_BEFORE_MULTIPART = 4
"""A file of at least this many parts goes multipart (8 MiB parts: 32 MiB)."""
MIN_TIMEOUT_SECONDS = 0.1
MAX_TIMEOUT_SECONDS = 3600.0
"""The range ``check --timeout`` accepts too: past an hour for one answer a link is gone, and the
socket layer and the SDK (which counts whole milliseconds) refuse or misread values far outside it."""


@dataclass(frozen=True)
class Transfer:
    """Timeouts and upload tuning in force."""

    timeouts: Timeouts
    tuning: UploadTuning


def from_environment(environ: Mapping[str, str] | None = None) -> Transfer:
    """The transfer settings; raises :class:`UsageError` for a value that is not a finite positive
    number in range."""
    environ = os.environ if environ is None else environ
    timeouts, tuning = Timeouts(), UploadTuning()
    raw = environ.get(TIMEOUT_ENV)
    if raw:
        seconds = _number(TIMEOUT_ENV, raw, float)
        if not MIN_TIMEOUT_SECONDS <= seconds <= MAX_TIMEOUT_SECONDS:
            raise UsageError(
                f"{TIMEOUT_ENV}={raw!r}: between {MIN_TIMEOUT_SECONDS:g} and {MAX_TIMEOUT_SECONDS:g} seconds"
            )
        timeouts = Timeouts(connect=min(timeouts.connect, seconds), read=seconds)
        tuning = UploadTuning(tuning.multipart_threshold, tuning.part_size, tuning.num_threads, seconds)
    raw = environ.get(PART_SIZE_ENV)
    if raw:
        size = int(_number(PART_SIZE_ENV, raw, int))
        if size < MIN_PART_SIZE:
            raise UsageError(f"{PART_SIZE_ENV}={raw!r}: OSS parts are at least {MIN_PART_SIZE} bytes")
        tuning = UploadTuning(size * PARTS_BEFORE_MULTIPART, size, tuning.num_threads, tuning.timeout_seconds)
    return Transfer(timeouts, tuning)


def _number(name: str, raw: str, kind: type[float] | type[int]) -> float:
    try:
        value = float(kind(raw.strip()))
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"{name}={raw!r} is not a number") from exc
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{name}={raw!r} must be a finite number above 0")
    return value
