"""Stop a file's check that runs too long or grows too big: the hard limits of a probe.

The reader's deadline (:class:`~validator.probe.reader.Limits`) is only checked when FFmpeg reads;
once FFmpeg has the bytes it may parse, allocate and index for as long as it likes, and FFmpeg
cannot be interrupted in the middle of its C code. Two ways round that, by what they cost:

- :class:`Pool`, for a batch: each file goes to a child forked from the already-imported process (no
  new interpreter, no second ``import av``) and reused for the next file. The parent waits on the
  children's pipes and ends (``SIGKILL``) a child still at a file :data:`GRACE` after its time
  limit, or holding more than :attr:`HardLimits.memory` beyond what it held when forked (the child's
  own ``RLIMIT_DATA`` makes allocations past that fail; the parent reads the child's resident size
  from ``/proc`` as a second line). The batch carries on with a fresh child.
- :func:`run_alone`, for one file: the fork, the child's first-call imports and its copy-on-write
  faults cost a one-file ``check`` some 20-40 ms of its ~300, so the file is probed in a thread of
  this process under a process-wide ``RLIMIT_DATA``; at its time limit the caller gets the
  ``fallback`` result at once and the thread is abandoned (a daemon: a command that reports and
  exits takes it with it; a library caller's keeps the memory cap until FFmpeg lets go).

Where ``os.fork`` does not exist (Windows), :func:`available` is false and the caller runs a batch
in threads, with the reader's soft limits only.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from validator import memory

Item = TypeVar("Item")
Result = TypeVar("Result")

GRACE = 0.3
"""Seconds past its time limit a child gets to answer on its own (with the reader's own, clearer
reason) before it is ended: the file still ends within its limit plus one second."""
DEPTH = 2
"""Items given to a child at once: the one it checks and the next."""
POLL = 0.05
"""Seconds between looks at the busy children's memory."""
RECYCLE = 64 * 1024 * 1024
"""A child that has grown this much past its start (FFmpeg's and Python's heaps rarely shrink) is
replaced after its file, so every probe starts with its whole memory allowance."""
_LENGTH = struct.Struct(">Q")


@dataclass(frozen=True, slots=True)
class Stop:
    """Why an item has no answer of its own: what ``fallback`` is given."""

    reason: str
    """Words that follow "the probe": ``was stopped at its 15 s time limit``."""
    limit: bool = True
    """Stopped at a limit; ``False``: the process died on its own (a crash)."""


@dataclass(frozen=True, slots=True)
class HardLimits:
    """What one file's probe may use before its process is ended."""

    seconds: float
    """Wall time per file; the child is ended :data:`GRACE` after it."""
    memory: int = 256 * 1024 * 1024
    """Bytes one probe may hold beyond the process's own (about 300 MB with Python's overhead)."""


def run_alone(
    task: Callable[[Item], Result],
    item: Item,
    fallback: Callable[[Item, Stop], Result],
    limits: HardLimits,
) -> Result:
    """``task(item)`` in a thread of this process, capped in memory; ``fallback`` past the time."""
    import threading

    answer: list[Result] = []

    def probe() -> None:
        restore = memory.limit(limits.memory)
        try:
            answer.append(task(item))
        finally:
            restore()

    thread = threading.Thread(target=probe, name="avatar-preflight-probe", daemon=True)
    thread.start()
    thread.join(limits.seconds + GRACE)
    if answer:
        return answer[0]
    if thread.is_alive():
        return fallback(item, Stop(f"was stopped at its {limits.seconds:g} s time limit"))
    return fallback(item, Stop("ended without an answer", limit=False))


def available() -> bool:
    """Whether files can be checked in stoppable workers here (``os.fork`` exists)."""
    return hasattr(os, "fork")


class Pool(Generic[Item, Result]):
    """Children forked from this process that each run ``task`` on one item at a time.

    ``task`` must not raise (a check returns its finding); it and every item and result cross a
    pipe pickled. ``fallback(item, stop)`` is the result of an item whose child was ended or died.
    Use as a context manager: leaving it ends every child.
    """

    def __init__(
        self,
        task: Callable[[Item], Result],
        fallback: Callable[[Item, Stop], Result],
        limits: HardLimits,
        jobs: int = 1,
    ) -> None:
        self._task = task
        self._fallback = fallback
        self.limits = limits
        self.jobs = max(1, jobs)
        self._idle: list[_Child] = []

    def __enter__(self) -> Pool[Item, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End every idle child (busy ones are ended where they are found busy)."""
        while self._idle:
            self._idle.pop().end()

    def run(
        self, items: Sequence[Item], on_done: Callable[[int, Result, float], None] | None = None
    ) -> list[Result]:
        """Every item's result, in input order; ``on_done(index, result, seconds)`` as each ends."""
        results: dict[int, Result] = {}
        queue = deque(range(len(items)))
        active: list[_Child] = []
        try:
            while queue or any(c.pending for c in active):
                self._fill(active, queue, items)
                for index, result, seconds in self._wait(active, queue, items):
                    results[index] = result
                    if on_done is not None:
                        on_done(index, result, seconds)
        finally:
            for child in active:
                if child.pending or not child.alive:
                    child.end()
                else:
                    self._idle.append(child)
        return [results[i] for i in range(len(items))]

    def _fill(self, active: list[_Child], queue: deque[int], items: Sequence[Item]) -> None:
        """Up to ``jobs`` children, each given up to :data:`DEPTH` items: the next one waits in its
        pipe, so a child goes on without waiting for this process to be scheduled."""
        while queue and len(active) < self.jobs:
            active.append(self._idle.pop() if self._idle else _Child.fork(self._task, self.limits.memory))
        for depth in range(1, DEPTH + 1):  # one each first: no file waits while a child is idle
            for child in active:
                if queue and len(child.pending) < depth and not child.retiring:
                    index = queue.popleft()
                    child.give(index, items[index], self.limits.seconds + GRACE)

    def _wait(
        self, active: list[_Child], queue: deque[int], items: Sequence[Item]
    ) -> list[tuple[int, Result, float]]:
        """(index, result, seconds) of the items that ended within one :data:`POLL`. A child that
        is ended, died or has grown too much leaves ``active``; its waiting items go back first."""
        import select

        busy = {c.reader: c for c in active if c.pending}
        now = time.monotonic()
        timeout = max(0.0, min(POLL, *(c.deadline - now for c in busy.values())))
        ready, _, _ = select.select(list(busy), [], [], timeout)
        done: list[tuple[int, Result, float]] = []
        for fd in ready:
            child = busy[fd]
            answer, now = child.receive(), time.monotonic()
            index, seconds = child.pending[0], now - child.started
            if answer is None:
                done.append((index, self._fallback(items[index], Stop(child.death(), limit=False)), seconds))
                self._drop(child, active, queue)
                continue
            done.append((index, cast(Result, answer), seconds))
            child.next(now, self.limits.seconds + GRACE)
            child.retiring = child.retiring or child.grown() >= RECYCLE
            if child.retiring and not child.pending:
                self._drop(child, active, queue)
        now = time.monotonic()
        for child in [c for c in busy.values() if c.alive and c.pending]:
            reason = None
            if now > child.deadline:
                reason = f"was stopped at its {self.limits.seconds:g} s time limit"
            elif child.grown() > self.limits.memory:
                reason = f"was stopped at its {self.limits.memory // 2**20} MiB memory limit"
            if reason is not None:
                index = child.pending[0]
                done.append((index, self._fallback(items[index], Stop(reason)), now - child.started))
                self._drop(child, active, queue)
        return done

    @staticmethod
    def _drop(child: _Child, active: list[_Child], queue: deque[int]) -> None:
        """End ``child``; the items given to it after the one it was at go back to the queue."""
        waiting = list(child.pending)[1:]
        child.end()
        active.remove(child)
        queue.extendleft(reversed(waiting))


class _Child:
    """One forked worker and the two pipes to it."""

    def __init__(self, pid: int, writer: int, reader: int, baseline: int | None) -> None:
        self.pid, self.writer, self.reader, self.baseline = pid, writer, reader, baseline
        self.alive = True
        self.retiring = False
        """Given no more items: it has grown past :data:`RECYCLE`."""
        self.pending: deque[int] = deque()
        """The items given, in order: the first is the one being checked."""
        self.started = self.deadline = 0.0
        self.status: int | None = None

    @classmethod
    def fork(cls, task: Callable[[Any], Any], allowance: int) -> _Child:
        down_read, down_write = os.pipe()  # items, parent to child
        up_read, up_write = os.pipe()  # results, child to parent
        baseline = memory.resident(os.getpid())
        pid = os.fork()
        if pid == 0:  # the child: serve until the parent closes the pipe, never return into the caller
            status = 1
            try:
                os.close(down_write)
                os.close(up_read)
                _serve(task, down_read, up_write, allowance)
                status = 0
            finally:
                os._exit(status)
        os.close(down_read)
        os.close(up_write)
        return cls(pid, down_write, up_read, baseline)

    def give(self, index: int, item: object, seconds: float) -> None:
        import pickle

        if not self.pending:
            self.next(time.monotonic(), seconds, starting=True)
        self.pending.append(index)
        _send(self.writer, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))

    def next(self, now: float, seconds: float, *, starting: bool = False) -> None:
        """The first item answered (unless ``starting``): the clock starts for the one after it."""
        if not starting:
            self.pending.popleft()
        self.started, self.deadline = now, now + seconds

    def receive(self) -> Any:
        """The child's answer; ``None`` when it died instead of answering."""
        import pickle

        payload = _receive(self.reader)
        if payload is None:
            self.end()
            return None
        return pickle.loads(payload)

    def grown(self) -> int:
        """Bytes the child holds beyond what it held when forked (0 where unknown)."""
        now = memory.resident(self.pid) if self.alive else None
        return 0 if now is None or self.baseline is None else now - self.baseline

    def death(self) -> str:
        """Why the child ended without an answer, as a reason ending "the probe ..."."""
        import signal

        code = self.status
        if code is not None and code < 0:
            return f"process ended on signal {-code} ({signal.Signals(-code).name}): FFmpeg crashed"
        return f"process ended without an answer (exit status {code})"

    def end(self) -> None:
        """End the child (at once: whatever it was doing is abandoned) and reap it."""
        import signal

        if not self.alive:
            return
        self.alive = False
        for fd in (self.writer, self.reader):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.status = os.waitstatus_to_exitcode(status)


def _serve(task: Callable[[Any], Any], reader: int, writer: int, allowance: int) -> None:
    """The child's loop: one item in, one result out, until the parent closes the pipe."""
    import pickle
    import signal  # not at the top: its enums cost a one-file check (which forks nothing) 12 ms

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child quietly: the parent reports
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    memory.limit(allowance)
    while True:
        payload = _receive(reader)
        if payload is None:
            return
        result = task(pickle.loads(payload))
        _send(writer, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(_LENGTH.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes | None:
    """One message, or ``None`` at end of file (the other side closed or died)."""
    head = _read_exactly(fd, _LENGTH.size)
    if head is None:
        return None
    return _read_exactly(fd, _LENGTH.unpack(head)[0])


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size > 0:
        try:
            chunk = os.read(fd, min(size, 1 << 20))
        except OSError:
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
