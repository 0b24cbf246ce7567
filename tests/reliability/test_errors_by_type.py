"""The cloud boundary catches by type: a refused, silent or reset connection becomes a ``NetworkError``
with the advice a person acts on, while a bug inside a request path keeps its own type (the command
line reports it as an internal error, not as a network failure)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REGION, SilentServer
from validator.cloud.advice import advice
from validator.cloud.credentials import static
from validator.cloud.errors import CloudError
from validator.cloud.ice import SdkIceService, Timeouts, sdk_client
from validator.cloud.retry import RetryPolicy
from validator.cloud.storage import OssObjectStore, UploadTuning
from validator.sandbox import Sandbox

ONCE = RetryPolicy(attempts=1)
SHORT = Timeouts(connect=1.0, read=1.0)


class _Reset(socketserver.BaseRequestHandler):
    """Reads the request's first bytes and resets the connection (RST, no answer)."""

    def handle(self) -> None:
        self.request.recv(1024)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()


@pytest.fixture
def resetting() -> Iterator[int]:
    """The port of a loopback server that resets every connection."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Reset)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _ice(endpoint: str, credential: Any = None) -> SdkIceService:
    credential = credential or static("LTAI5tBoundaryTestKey000", "boundary-secret").sdk_client()
    return SdkIceService(sdk_client(endpoint, REGION, "http", credential, SHORT), retry=ONCE, timeouts=SHORT)


def _store(endpoint: str, tmp_path: Path, factory: Any = None) -> OssObjectStore:
    return OssObjectStore(
        endpoint,
        "boundary",
        REGION,
        static("LTAI5tBoundaryTestKey000", "boundary-secret"),
        cache_dir=tmp_path,
        tuning=UploadTuning(timeout_seconds=1.0),
        retry=ONCE,
        bucket_factory=factory,
    )


def _both_fail(port: int, tmp_path: Path, message: str, *, unreachable: bool) -> None:
    """ICE and OSS at ``127.0.0.1:port`` both fail with a ``NetworkError`` saying ``message``, and
    the advice a person acts on (check the endpoint; the timeout variable; running again is safe)."""
    calls = (
        lambda: _ice(f"127.0.0.1:{port}").get_job("0" * 32),
        lambda: _store(f"http://127.0.0.1:{port}", tmp_path).head("key"),
    )
    for service, call in zip(("ICE", "OSS"), calls, strict=True):
        with pytest.raises(CloudError) as caught:
            call()
        error = caught.value
        assert (error.service, error.code, error.message) == (service, "NetworkError", message)
        assert error.unreachable is unreachable
        assert "AVATAR_PREFLIGHT_TIMEOUT" in (advice(error) or "")


def test_refused_connection_is_a_network_error(closed_port: int, tmp_path: Path) -> None:
    _both_fail(closed_port, tmp_path, "connection refused: nothing listens at the endpoint", unreachable=True)


def test_silent_server_is_a_timeout(silent_server: SilentServer, tmp_path: Path) -> None:
    waited = "no answer within the timeout (the server accepted the connection but did not reply)"
    _both_fail(silent_server.port, tmp_path, waited, unreachable=True)


def test_reset_connection_is_retryable_network_error(resetting: int, tmp_path: Path) -> None:
    _both_fail(resetting, tmp_path, "the connection was closed before the answer arrived", unreachable=False)


class BrokenCredential:
    """A credential client with a bug in it: the SDK calls it while building every request."""

    def __init__(self) -> None:
        self.calls = 0

    def get_credential(self) -> Any:
        self.calls += 1
        raise AttributeError("'NoneType' object has no attribute 'access_key_id'")


def test_bug_inside_the_sdk_request_keeps_its_type(sandbox: Sandbox) -> None:
    # The SDK wraps whatever its request code raised in UnretryableException; a bug must come out
    # as itself, not as "NetworkError" (which would say: check the network, exit 4).
    credential = BrokenCredential()
    with pytest.raises(AttributeError, match="access_key_id"):
        _ice(sandbox.endpoint, credential).get_job("0" * 32)
    assert credential.calls == 1  # and it was not retried as if the network had failed
    assert sandbox.requests.count("GetAvatarTrainingJob", ok=None) == 0


class BuggyBucket:
    """An object-store bucket whose own code fails (a bug, not an OSS answer)."""

    def head_object(self, key: str) -> Any:
        raise TypeError("head_object() got an unexpected keyword argument 'byte_range'")


def test_bug_inside_the_store_keeps_its_type(tmp_path: Path) -> None:
    store = _store("http://127.0.0.1:9", tmp_path, factory=lambda name: BuggyBucket())
    with pytest.raises(TypeError, match="unexpected keyword"):
        store.head("key")


def test_the_service_refusal_is_still_a_cloud_error(sandbox: Sandbox) -> None:
    service = SdkIceService(
        sdk_client(
            sandbox.endpoint,
            REGION,
            "http",
            static(sandbox.access_key_id, sandbox.access_key_secret).sdk_client(),
            SHORT,
        ),
        retry=ONCE,
    )
    with pytest.raises(CloudError) as caught:
        service.get_job("0" * 32)
    assert caught.value.code.startswith("NotFound") and caught.value.request_id
