"""HTTP plumbing shared by both APIs: the request as handlers see it, the answer they give back.

Request bodies are read lazily from the socket, by ``Content-Length`` or chunked transfer encoding,
so a handler can stream a 5 GiB part to disk or refuse it before reading a byte; every read is bounded
(:mod:`validator.sandbox.chunked` reads the framing strictly). Responses either carry a small body or
name a file range to stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qsl

from validator.crc64 import CHUNK
from validator.sandbox import chunked
from validator.sandbox.strict import decimal

MAX_LENGTH = 1 << 50
"""Largest Content-Length we parse (1 PiB); the object store refuses far less (EntityTooLarge)."""
DRAIN_PIECE = 64 * 1024
"""Bytes read at a time when skipping a body nobody wants: what draining costs a connection."""


class DropConnection(Exception):
    """Close the socket now, without an answer (fault injection)."""


class BadRequestBody(Exception):
    """The request body is malformed (bad chunk framing) or cut short."""


class Body:
    """A request body, read from the socket on demand."""

    def __init__(self, rfile: BinaryIO, headers: Message) -> None:
        self._rfile = rfile
        encodings = headers.get_all("Transfer-Encoding") or []
        lengths = headers.get_all("Content-Length") or []
        self.chunked = bool(encodings)
        # Only "chunked" alone is served, and never beside a length: a body two parsers could frame
        # differently is how requests are smuggled past a proxy.
        if encodings and ([str(e).strip().lower() for e in encodings] != ["chunked"] or lengths):
            raise BadRequestBody("unsupported Transfer-Encoding (only chunked, without Content-Length)")
        if len(lengths) > 1:
            raise BadRequestBody("more than one Content-Length")
        self.declared_length: int | None = None
        if lengths:
            self.declared_length = decimal(str(lengths[0]).strip(), MAX_LENGTH)
            if self.declared_length is None:
                raise BadRequestBody(f"invalid Content-Length {str(lengths[0])[:32]!r}")
        self._left = self.declared_length or 0
        self._chunk_left = 0
        self._done = not self.chunked and self._left == 0
        self.consumed = 0
        self.broken = False
        """Set once the framing was found broken: the connection cannot be reused."""

    @property
    def done(self) -> bool:
        """Whether the whole body has been read."""
        return self._done

    def read(self, size: int = CHUNK) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end."""
        if self._done:
            return b""
        data = self._read_chunked(size) if self.chunked else self._read_plain(size)
        self.consumed += len(data)
        return data

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The rest of the body, piece by piece."""
        while data := self.read(size):
            yield data

    def read_all(self, cap: int) -> bytes:
        """The whole body, refusing more than ``cap`` bytes (for XML and form bodies)."""
        if self.declared_length is not None and self.declared_length > cap:
            raise BadRequestBody(f"body larger than {cap} bytes")
        out = bytearray()
        for data in self.chunks():
            out += data
            if len(out) > cap:
                raise BadRequestBody(f"body larger than {cap} bytes")
        return bytes(out)

    def drain(self, cap: int) -> bool:
        """Skip an unread body of at most ``cap`` bytes; ``False`` if the connection must close."""
        if self._done:
            return True
        if self.broken or (self.declared_length is not None and self._left > cap):
            return False
        try:
            skipped = 0
            for data in self.chunks(DRAIN_PIECE):
                skipped += len(data)
                if skipped > cap:
                    return False
        except (BadRequestBody, OSError):
            return False
        return True

    def _read_plain(self, size: int) -> bytes:
        data = self._rfile.read(min(size, self._left))
        if not data:
            raise BadRequestBody("connection closed before the body ended")
        self._left -= len(data)
        if self._left == 0:
            self._done = True
        return data

    def _read_chunked(self, size: int) -> bytes:
        try:
            if self._chunk_left == 0:
                self._chunk_left = chunked.read_size(self._rfile)
                if self._chunk_left == 0:
                    chunked.skip_trailers(self._rfile)
                    self._done = True
                    return b""
            data = self._rfile.read(min(size, self._chunk_left))
            if not data:
                raise chunked.ChunkError("connection closed inside a chunk")
            self._chunk_left -= len(data)
            if self._chunk_left == 0:
                chunked.read_chunk_end(self._rfile)
        except chunked.ChunkError as exc:
            self.broken = True
            raise BadRequestBody(str(exc)) from exc
        return data


@dataclass
class Request:
    """One HTTP request, as both APIs' handlers see it."""

    method: str
    path: str
    """The path exactly as sent, still percent-encoded."""
    query: str
    """The raw query string."""
    headers: Message
    body: Body
    host: str
    """The ``Host`` header (with port)."""

    def header(self, name: str, default: str = "") -> str:
        value = self.headers.get(name)
        return default if value is None else str(value)

    def params(self) -> dict[str, str]:
        """Query parameters, form-decoded (the last of repeated names wins)."""
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass
class Response:
    """What a handler answers."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    file: Path | None = None
    """Stream this file instead of :attr:`body`..."""
    offset: int = 0
    """...from this byte..."""
    length: int = 0
    """...for this many bytes."""

    @property
    def content_length(self) -> int:
        return self.length if self.file is not None else len(self.body)
