"""A signed ICE request captured on the way is refused when sent again, also after the sandbox has
restarted: the nonces of the 15-minute window live in its database, not in its memory."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from alibabacloud_ice20201109 import models
from alibabacloud_ice20201109.client import Client
from alibabacloud_tea_openapi.models import Config

from tests.helpers import REGION
from tests.sandbox.process import SandboxProcess

CANNED = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
          b"Connection: close\r\n\r\n{}")


def _capture(access_key_id: str, access_key_secret: str) -> bytes:
    """The bytes the official SDK sends for one CreateAvatarTrainingJob, caught by a loopback listener
    that answers ``{}`` (as someone on the path would catch them)."""
    listener = socket.create_server(("127.0.0.1", 0))
    caught: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            caught.append(data)  # an RPC call has an empty body: the headers are all of it
            conn.sendall(CANNED)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = Client(Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                           endpoint=f"127.0.0.1:{listener.getsockname()[1]}", protocol="http",
                           region_id=REGION))
    client.create_avatar_training_job(models.CreateAvatarTrainingJobRequest(avatar_name="replay"))
    thread.join(10)
    listener.close()
    return caught[0]


def _send(port: int, raw: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
    return int(answer.split(b" ", 2)[1]), body


def test_a_captured_request_is_refused_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "sandbox"
    with SandboxProcess(data_dir, tmp_path) as first:
        raw = _capture(first.access_key_id, first.access_key_secret)
        assert _send(first.port, raw)[0] == 200  # sent once: a job is created
        status, body = _send(first.port, raw)
        assert (status, b"SignatureNonceUsed" in body) == (400, True)
    with SandboxProcess(data_dir, tmp_path) as second:
        status, body = _send(second.port, raw)
        assert (status, b"SignatureNonceUsed" in body) == (400, True), body
        jobs = second.ice().list_avatar_training_jobs(models.ListAvatarTrainingJobsRequest())
        assert jobs.body.data.total_count == 1
