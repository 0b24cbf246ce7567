"""Request bodies cost the sandbox no memory, whoever sends them: chunked framing is read strictly
(hex digits only, bounded lines, extensions and trailers by the grammar) and a broken frame is a 400
and a closed connection. A chunk size of ``-1`` used to become ``read(-1)``, buffering the connection
until EOF while a refused request's body was drained."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.helpers import TEST_BUCKET, oss_bucket
from tests.sandbox.process import SandboxProcess, supports_proc
from validator.sandbox import Sandbox

MIB = 1 << 20
HEAD = (b"PUT /%s/chunked.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        % TEST_BUCKET.encode())


def _answer(conn: socket.socket, timeout: float) -> bytes:
    """What the server says before it closes, or what it said by ``timeout``."""
    conn.settimeout(timeout)
    answer = b""
    try:
        while chunk := conn.recv(65536):
            answer += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return answer


def _push(conn: socket.socket, total: int) -> int:
    """Send up to ``total`` bytes of filler; how many went before the server stopped reading."""
    block, sent = b"z" * MIB, 0
    try:
        while sent < total:
            conn.sendall(block)
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    return sent


@pytest.mark.skipif(not supports_proc(), reason="reads the server's memory from /proc")
def test_unauthenticated_requests_cost_no_memory(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path / "sandbox", tmp_path) as server:
        _negative_chunk_size(server)
        _stalled_ice_bodies(server)


def _negative_chunk_size(server: SandboxProcess) -> None:
    before, peak_before = server.rss_bytes(), server.rss_bytes("VmHWM")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(HEAD + b"-1\r\n")
        first = _answer(conn, timeout=3)  # the server answers without waiting for more
        _push(conn, 96 * MIB)
        holding = server.rss_bytes() - before
        try:
            conn.shutdown(socket.SHUT_WR)
            rest = _answer(conn, timeout=5)
        except OSError:  # closed by the server already
            rest = b""
    peak = server.rss_bytes("VmHWM") - peak_before
    assert max(holding, peak) < 24 * MIB, f"RSS grew by {holding / MIB:.0f} MiB, peak {peak / MIB:.0f}"
    assert (first or rest).startswith(b"HTTP/1.1 400"), first or rest


def _stalled_ice_bodies(server: SandboxProcess, connections: int = 48) -> None:
    """Unsigned ICE calls, each with a form body one byte short of 1 MiB, held open: a body read
    before the signature is checked would be held in memory by every one of them."""
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nx-acs-action: ListAvatarTrainingJobs\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % MIB)
    before = server.rss_bytes()
    held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(connections)]
    try:
        for conn in held:
            conn.sendall(head + b"a" * (MIB - 1))
        time.sleep(0.5)  # for the server to read what it will of them
        grown = server.rss_bytes() - before
    finally:
        for conn in held:
            conn.close()
    assert grown < 24 * MIB, f"RSS grew by {grown / MIB:.0f} MiB with {connections} bodies held"


BROKEN = {
    "negative": b"-1\r\n",
    "minus two": b"-2\r\n",
    "sign": b"+a\r\n" + b"x" * 10 + b"\r\n0\r\n\r\n",
    "prefix": b"0x10\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
    "underscore": b"1_0\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n",
    "too many digits": b"1" + b"0" * 15 + b"\r\n",
    "endless line": b"1" * 70000,
    "bad extension": b"a;=x\r\n" + b"x" * 10 + b"\r\n0\r\n\r\n",
    "no CRLF after the data": b"4\r\nabcdXY0\r\n\r\n",
    "bad trailer": b"4\r\nabcd\r\n0\r\nnot a field\r\n\r\n",
    "endless trailers": b"4\r\nabcd\r\n0\r\n" + b"X-T: 1\r\n" * 100 + b"\r\n",
}


@pytest.mark.parametrize("frame", BROKEN)
def test_broken_chunk_framing_is_a_400_and_a_closed_connection(sandbox: Sandbox, frame: str) -> None:
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(HEAD + BROKEN[frame])
        answer = _answer(conn, timeout=5)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"connection: close" in answer.lower()


def test_well_formed_chunked_bodies_still_arrive(sandbox: Sandbox) -> None:
    bucket = oss_bucket(sandbox)
    pieces = [b"a" * 70000, b"", b"b" * 5, b"c" * 300000]
    bucket.put_object("chunked/iter.bin", iter(pieces))  # oss2 sends an iterator chunked
    assert bucket.get_object("chunked/iter.bin").read() == b"".join(pieces)
    # Extensions and trailers, as the grammar allows them, on a request refused for its signature:
    # the refusal is read cleanly and the connection stays usable.
    framed = b"3;name=value;flag\r\nabc\r\n2 ; q=\"a \\\" b\"\r\nde\r\n0\r\nX-Checksum: 1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as conn:
        conn.sendall(HEAD + framed + b"GET /-/sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        conn.settimeout(5)
        answer = b""
        while answer.count(b"HTTP/1.1 ") < 2 or not answer.endswith(b"}"):
            answer += conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 403") and b"HTTP/1.1 200" in answer, answer
