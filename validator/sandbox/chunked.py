"""The chunked transfer coding (RFC 9112, section 7.1), read strictly and in bounded pieces.

Every read has a limit known before it starts: a size line is at most :data:`MAX_LINE` bytes, a size
is hexadecimal digits only (``int(x, 16)`` also takes ``-1``, ``+f``, ``0x10`` and ``1_0``, and
``-1`` once became ``read(-1)``, which buffered the connection until EOF), each chunk ends in exactly
CRLF, and the trailer section has at most :data:`MAX_TRAILERS` lines. Whatever breaks the grammar is
a :class:`ChunkError`; the caller answers 400 and closes the connection.
"""

from __future__ import annotations

import re
from typing import BinaryIO

MAX_LINE = 4096
"""Longest size line (with its extensions) or trailer line we read."""
MAX_TRAILERS = 32
"""Most trailer fields we skip before giving up on the body."""
MAX_SIZE_DIGITS = 15
"""At most 15 hex digits: chunk sizes below 1 PiB; longer is an attack or a bug."""

_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED = rb'"(?:[^"\\\r\n]|\\[^\r\n])*"'
_SIZE_LINE = re.compile(
    rb"(?P<size>[0-9A-Fa-f]{1,%d})" % MAX_SIZE_DIGITS
    + rb"(?:[ \t]*;[ \t]*" + _TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?)*"
    + rb"[ \t]*\r\n"
)
_TRAILER = re.compile(_TOKEN + rb":[^\r\n]*\r\n")


class ChunkError(ValueError):
    """The body breaks the chunked coding, or ends inside it."""


def read_size(rfile: BinaryIO) -> int:
    """The size of the next chunk (0 for the last), from its size line."""
    line = _line(rfile, "chunk size line")
    match = _SIZE_LINE.fullmatch(line)
    if match is None:
        raise ChunkError(f"bad chunk size line {line[:40]!r}")
    return int(match["size"], 16)


def read_chunk_end(rfile: BinaryIO) -> None:
    """The CRLF that ends every chunk's data."""
    if rfile.read(2) != b"\r\n":
        raise ChunkError("chunk data not followed by CRLF")


def skip_trailers(rfile: BinaryIO) -> None:
    """The trailer section after the last chunk, up to its empty line (trailers are not used)."""
    for _ in range(MAX_TRAILERS + 1):
        line = _line(rfile, "trailer")
        if line == b"\r\n":
            return
        if _TRAILER.fullmatch(line) is None:
            raise ChunkError(f"bad trailer line {line[:40]!r}")
    raise ChunkError(f"more than {MAX_TRAILERS} trailer lines")


def _line(rfile: BinaryIO, what: str) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if not line:
        raise ChunkError(f"connection closed before the {what}")
    if len(line) > MAX_LINE or not line.endswith(b"\r\n"):
        raise ChunkError(f"{what} too long or not ended by CRLF")
    return line
