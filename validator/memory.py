"""What memory a process holds, and a cap on what this one may take: the probe's memory bound.

``RLIMIT_DATA`` counts a process's private writable memory, which is where FFmpeg's and Python's
allocations live; past it ``malloc`` fails, FFmpeg answers ENOMEM and Python raises ``MemoryError``,
and the probe reports the limit. ``RLIMIT_AS`` would also count the address space FFmpeg's threads
reserve and never use. Linux figures come from ``/proc``; elsewhere they are ``None`` and the cap
is not set.
"""

from __future__ import annotations

import os
from collections.abc import Callable

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_cap: int | None = None


def resident(pid: int) -> int | None:
    """Resident bytes of process ``pid``; ``None`` where ``/proc`` does not tell."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def data_bytes() -> int | None:
    """This process's private writable memory (what ``RLIMIT_DATA`` counts), from ``/proc``."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def cap() -> int | None:
    """The memory allowance in force for the probe running in this process; ``None`` when none is."""
    return _cap


def limit(memory: int) -> Callable[[], None]:
    """Make allocations past ``memory`` more than this process holds now fail; returns what puts
    the limit back (and forgets the allowance)."""
    global _cap
    restore = _limit_data(memory)
    _cap = memory

    def undo() -> None:
        global _cap
        _cap = None
        restore()

    return undo


def _limit_data(memory: int) -> Callable[[], None]:
    held = data_bytes()
    try:
        import resource
    except ImportError:  # no resource module: the parent's resident-size watch, where there is one
        return _nothing
    if held is None:
        return _nothing
    try:
        before = resource.getrlimit(resource.RLIMIT_DATA)
        soft, hard = held + memory, before[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        if before[0] != resource.RLIM_INFINITY and before[0] < soft:
            return _nothing  # a tighter limit is in force already
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
    except (ValueError, OSError):
        return _nothing
    return lambda: resource.setrlimit(resource.RLIMIT_DATA, before)


def _nothing() -> None:
    pass
