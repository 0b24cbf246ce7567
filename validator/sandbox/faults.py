"""Fault injection: throttling, server errors, latency and dropped uploads, decided by a seeded RNG.

Settings can be given at start (:attr:`SandboxConfig.faults`) and changed while the sandbox runs
(:meth:`Faults.set`). With a seed, the same sequence of requests meets the same faults, so a
reliability test is repeatable. Faults apply after a request is authenticated, as a real service's
throttling does, and only to the services named in :attr:`FaultConfig.services`.

Crash points (:class:`CrashPoint`) are the other kind: the process ends at once at a named place in
the code when :data:`CRASH_AT_ENV` names it, as a power cut would there, so a test can run the
sandbox as a subprocess, crash it mid-write and prove the next start recovers.
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

# -- crash points ----------------------------------------------------------------------------------
# One member per place, each with its own docstring: more are added as lines, never renumbered.


CRASH_AT_ENV = "AVATAR_PREFLIGHT_SANDBOX_CRASH_AT"
"""Names the :class:`CrashPoint` (its value) at which the sandbox process ends itself; read at each
point, so a test sets it in the subprocess's environment."""
CRASH_EXIT_CODE = 86
"""The exit status of a process ended at a crash point (a test tells it from other deaths)."""


class CrashPoint(str, Enum):
    """A place in the sandbox's code where a crash is worth proving harmless."""

    COMPLETE_AFTER_RENAME = "complete-after-rename"
    """CompleteMultipartUpload: the object's file is in place, its row not yet committed."""


def crash_point(point: CrashPoint) -> None:
    """End the process here and now, without cleanup, if :data:`CRASH_AT_ENV` names ``point``."""
    if os.environ.get(CRASH_AT_ENV) == point.value:
        os._exit(CRASH_EXIT_CODE)  # a hook for tests: the library never exits otherwise


# -- request faults --------------------------------------------------------------------------------


class Service(str, Enum):
    """The two APIs the sandbox serves."""

    ICE = "ice"
    OSS = "oss"


class FaultKind(str, Enum):
    """What happens to one request."""

    NONE = "none"
    THROTTLE = "throttle"
    """ICE: ``Throttling.User`` (400), with ``x-acs-retry-after`` when configured. OSS: 503 ``SlowDown``."""
    ERROR_500 = "error_500"
    """``InternalError``."""
    ERROR_503 = "error_503"
    """``ServiceUnavailable``."""


@dataclass(frozen=True)
class FaultConfig:
    """What to inject. All shares are probabilities in ``[0, 1]``; the default injects nothing."""

    throttle_share: float = 0.0
    """Share of requests answered with a throttling error."""
    throttle_retry_after_ms: int | None = None
    """Milliseconds sent in ``x-acs-retry-after`` with a throttling error; ``None`` sends no header
    (the SDK then raises a plain ``ClientException`` with code ``Throttling.User``)."""
    error_share: float = 0.0
    """Share of requests answered with 500 ``InternalError`` or 503 ``ServiceUnavailable``
    (one or the other with equal odds)."""
    latency_ms: int = 0
    """Delay added before every answer."""
    drop_upload_part_after_bytes: int | None = None
    """Close the connection after reading this many bytes of an UploadPart body."""
    drop_upload_part_times: int = 1
    """How many UploadPart requests to drop before uploads go through again."""
    lose_answer_actions: tuple[str, ...] = ()
    """Requests (by action, e.g. ``CompleteMultipartUpload``) that are carried out and whose answer is
    then lost: the connection is reset instead of answered, as when a link fails after the service acted."""
    lose_answer_times: int = 1
    """How many answers to lose, for each of those actions, before answering it again."""
    refuse_actions: tuple[str, ...] = ()
    """OSS requests (by action, e.g. ``ListObjects``) answered 403 ``AccessDenied``, as for a RAM user
    whose policy does not grant them: every time, after the request is authenticated."""
    services: frozenset[Service] = field(default_factory=lambda: frozenset(Service))
    """Which APIs throttling, errors and latency apply to (dropped parts are OSS by nature)."""
    seed: int | None = None
    """Seed for the decisions; ``None`` draws from the system's entropy."""

    def __post_init__(self) -> None:
        for name in ("throttle_share", "error_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.throttle_share + self.error_share > 1.0:
            raise ValueError("throttle_share + error_share must not exceed 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.drop_upload_part_after_bytes is not None and self.drop_upload_part_after_bytes < 0:
            raise ValueError("drop_upload_part_after_bytes must not be negative")


class Faults:
    """The live fault settings of one sandbox, safe to change from any thread."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random()
        self._drops_left = 0
        self._losses: dict[str, int] = {}
        self.replace(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        """The settings in force."""
        with self._lock:
            return self._config

    def replace(self, config: FaultConfig) -> None:
        """Put ``config`` in force as a whole, reseeding the RNG."""
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._drops_left = config.drop_upload_part_times
            self._losses = dict.fromkeys(config.lose_answer_actions, config.lose_answer_times)

    def set(self, **changes: Any) -> FaultConfig:
        """Change some settings (the :class:`FaultConfig` field names), keeping the others.

        ``services`` may be given as any iterable of :class:`Service` or their names.
        """
        if "services" in changes:
            changes["services"] = frozenset(Service(s) for s in changes["services"])
        for name in ("lose_answer_actions", "refuse_actions"):
            if name in changes:
                changes[name] = tuple(str(a) for a in changes[name])
        config = replace(self.config, **changes)
        self.replace(config)
        return config

    def clear(self) -> None:
        """Inject nothing from now on."""
        self.replace(FaultConfig())

    def latency_seconds(self, service: Service) -> float:
        """Seconds to wait before answering a request to ``service``."""
        config = self.config
        return config.latency_ms / 1000 if service in config.services else 0.0

    def decide(self, service: Service) -> FaultKind:
        """Draw the fate of one request."""
        with self._lock:
            config = self._config
            if service not in config.services:
                return FaultKind.NONE
            if config.throttle_share == 0.0 and config.error_share == 0.0:
                return FaultKind.NONE
            draw = self._rng.random()
            if draw < config.throttle_share:
                return FaultKind.THROTTLE
            if draw < config.throttle_share + config.error_share:
                return FaultKind.ERROR_500 if self._rng.random() < 0.5 else FaultKind.ERROR_503
            return FaultKind.NONE

    def take_upload_part_drop(self) -> int | None:
        """Bytes to read before dropping this UploadPart's connection, or ``None`` to let it through."""
        with self._lock:
            limit = self._config.drop_upload_part_after_bytes
            if limit is None or self._drops_left <= 0:
                return None
            self._drops_left -= 1
            return limit

    def refuses(self, action: str) -> bool:
        """Whether this OSS request is refused with ``AccessDenied``."""
        return action in self.config.refuse_actions

    def take_lost_answer(self, action: str) -> bool:
        """Whether the answer to this request, already carried out, is to be lost."""
        with self._lock:
            if self._losses.get(action, 0) <= 0:
                return False
            self._losses[action] -= 1
            return True
