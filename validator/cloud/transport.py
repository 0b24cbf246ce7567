"""What went wrong on the wire, told from the exception's type: refused, timed out, reset, no such host.

Both SDKs wrap the transport's exception (``requests`` over ``urllib3`` over the socket): the ICE SDK
in ``UnretryableException.inner_exception`` around a ``RetryError`` whose implicit ``__context__``
is the ``requests`` exception, oss2 in ``RequestError.exception``. :func:`transport_failure` walks
that chain and classifies by the types it finds; it answers ``None`` when the chain holds no
transport exception at all, so the caller can let that exception (a bug, not the network) propagate.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TransportFailure:
    """A request that got no usable answer."""

    message: str
    """A few words a person can act on, without the library's noise (URLs, pool objects)."""
    unreachable: bool
    """No answer at all (timed out, refused, host does not resolve), as opposed to a connection broken
    mid-answer, which a retry often cures."""


REFUSED = "connection refused: nothing listens at the endpoint"
READ_TIMEOUT = "no answer within the timeout (the server accepted the connection but did not reply)"
CONNECT_TIMEOUT = "timed out connecting to the endpoint"
CLOSED = "the connection was closed before the answer arrived"
NO_HOST = "the endpoint's host name does not resolve"


def transport_failure(exc: BaseException) -> TransportFailure | None:
    """The transport failure in ``exc``'s chain, or ``None`` when there is none."""
    import requests.exceptions as rq
    import urllib3.exceptions as u3

    chain = list(_chain(exc))
    found = {type(e) for e in chain}

    def has(*kinds: type[BaseException]) -> bool:
        return any(issubclass(t, kinds) for t in found)

    # Refused and unresolved first: urllib3's NewConnectionError (and NameResolutionError under it)
    # subclasses ConnectTimeoutError for old callers' sake, though neither is a timeout.
    if has(ConnectionRefusedError):
        return TransportFailure(REFUSED, unreachable=True)
    if has(socket.gaierror, u3.NameResolutionError):
        return TransportFailure(NO_HOST, unreachable=True)
    timeouts = [
        e
        for e in chain
        if isinstance(e, (rq.Timeout, u3.TimeoutError, TimeoutError))
        and not isinstance(e, u3.NewConnectionError)
    ]
    if any(isinstance(e, (rq.ConnectTimeout, u3.ConnectTimeoutError)) for e in timeouts):
        return TransportFailure(CONNECT_TIMEOUT, unreachable=True)
    if timeouts:
        return TransportFailure(READ_TIMEOUT, unreachable=True)
    if has(ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected):
        return TransportFailure(CLOSED, unreachable=False)
    if has(u3.ProtocolError, http.client.IncompleteRead):
        return TransportFailure(CLOSED, unreachable=False)
    transport = [e for e in chain if isinstance(e, (OSError, u3.HTTPError, http.client.HTTPException))]
    if not transport:
        return None
    inner = transport[-1]
    text = f"{type(inner).__name__}: {inner}".strip()
    return TransportFailure(text.splitlines()[0][:300], unreachable=False)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: causes, contexts, and the SDKs' own wrapping attributes."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for name in ("inner_exception", "exception", "reason"):
            wrapped = getattr(current, name, None)
            if isinstance(wrapped, BaseException):
                pending.append(wrapped)
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
