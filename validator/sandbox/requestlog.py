"""What the sandbox was asked and what it answered, for tests that count requests from the service side.

A client can only report what it sent; whether a retried RegisterMediaInfo created a second asset,
or an UpdateAvatarTrainingJob was applied twice, is known where the request lands. Every answered
request of either API is recorded here (never a header, so never a signature or token), and
listeners are told of each one as it is answered: a test can act between two requests of a client,
for example delete the job a command has just read.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from validator.sandbox.faults import Service

MAX_ENTRIES = 10_000
"""Oldest entries are forgotten past this many, so a long-running sandbox does not grow."""


@dataclass(frozen=True)
class Logged:
    """One answered request."""

    service: Service
    action: str
    """The ICE action, or the OSS operation (``PutObject``, ``UploadPart``, ``ListParts``...)."""
    status: int
    """The HTTP status answered (200 for a success)."""
    code: str | None = None
    """The error code, when the answer is an error."""
    params: Mapping[str, str] = field(default_factory=dict)
    """ICE: the action's parameters. OSS: ``Bucket``, ``Key`` and, for a part, ``PartNumber``."""
    result: str | None = None
    """The ID a successful ICE call returned (``MediaId`` of RegisterMediaInfo, ``JobId``)."""
    bytes_sent: int = 0
    """OSS: body bytes of a successful answer (a GetObject's range), so a test can count what a
    client fetched from the service's side."""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


Listener = Callable[[Logged], None]


class RequestLog:
    """Thread-safe record of answered requests, with listeners."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Logged] = deque(maxlen=MAX_ENTRIES)
        self._listeners: list[Listener] = []

    def record(self, entry: Logged) -> None:
        """Keep ``entry`` and tell every listener (in the serving thread, before the answer is sent)."""
        with self._lock:
            self._entries.append(entry)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(entry)

    def entries(
        self, action: str | None = None, *, service: Service | None = None, ok: bool | None = None
    ) -> list[Logged]:
        """Recorded requests, oldest first, optionally only one action, service or outcome."""
        with self._lock:
            found = list(self._entries)
        return [
            e
            for e in found
            if (action is None or e.action == action)
            and (service is None or e.service is service)
            and (ok is None or e.ok == ok)
        ]

    def count(self, action: str, *, ok: bool | None = True) -> int:
        """How many ``action`` requests were answered (successfully, by default)."""
        return len(self.entries(action, ok=ok))

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every answered request; returns the function that stops it."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def clear(self) -> None:
        """Forget every entry and listener."""
        with self._lock:
            self._entries.clear()
            self._listeners.clear()


def oss_action(method: str, params: Mapping[str, str], *, bucket_level: bool = False) -> str:
    """The OSS operation a request names, from its method, its query and whether it names a key."""
    if bucket_level and method == "GET":
        return "ListObjects"
    if "uploads" in params and method == "POST":
        return "InitiateMultipartUpload"
    if "uploadId" in params:
        if method == "PUT":
            return "UploadPart"
        return {"GET": "ListParts", "POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"}.get(
            method, method
        )
    return {
        "PUT": "PutObject",
        "GET": "GetObject",
        "HEAD": "HeadObject",
        "DELETE": "DeleteObject",
    }.get(method, method)
