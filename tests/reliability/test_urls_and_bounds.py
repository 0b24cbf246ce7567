"""Thumbnail and media URLs are parsed strictly; the remote probe never follows a redirect to another
host; the sandbox binds loopback, bounds request sizes, and (``tests/sandbox/test_ice_auth.py``)
verifies signatures, refuses replayed nonces and timestamps 16 minutes off."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import cli_env, run_cli
from validator.cloud.errors import RemoteReadError
from validator.cloud.params import UpdateParams, check_params, oss_location
from validator.cloud.remote import HttpRangeSource
from validator.sandbox import Sandbox, SandboxConfig

REGION = "cn-shanghai"
GOOD = "https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (GOOD, True),
        ("http://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png", False),  # not https
        ("https://thumbs.example.com/a/t.png", False),  # not an OSS host
        ("https://user:pass@thumbs.oss-cn-shanghai.aliyuncs.com/x.png", False),  # credentials
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com@evil.example/x.png", False),  # user-info trick
        ("https://thumbs.oss-cn-beijing.aliyuncs.com/a/t.png", False),  # another region
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/a/thumbnail", False),  # no image extension
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com:8443/a/t.png", False),  # another port
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png?x-oss-process=1", False),  # a query
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com.evil.example/t.png", False),  # lookalike host
    ],
)
def test_thumbnail_urls(url: str, ok: bool) -> None:
    problems = check_params(UpdateParams("j", thumbnail=url), REGION).problems
    assert (not problems) is ok, problems


@pytest.mark.parametrize(
    "url",
    [
        "https://user:hunter2@videos.oss-cn-shanghai.aliyuncs.com/v.mp4",
        "https://videos.oss-cn-shanghai.aliyuncs.com:444/v.mp4",
        "ftp://videos.oss-cn-shanghai.aliyuncs.com/v.mp4",
        "https://videos.example.com/v.mp4",
    ],
)
def test_media_urls_with_credentials_or_off_oss_are_refused(url: str) -> None:
    assert oss_location(url) is None
    problems = check_params(UpdateParams("j", video=url), REGION).problems
    assert [p.rule for p in problems] == ["param-video"]
    assert "hunter2" not in str([(p.message, p.actual) for p in problems])  # the password is not echoed


def test_remote_probe_refuses_insecure_and_credentialled_urls() -> None:
    for url in ("http://videos.example.com/v.mp4", "https://u:p@videos.example.com/v.mp4"):
        with pytest.raises(RemoteReadError):
            HttpRangeSource(url, timeout=1)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def two_servers() -> Iterator[tuple[str, type[_Counter]]]:
    """A loopback server redirecting every request to a second loopback server (another port: another
    host, as far as the probe is concerned), which counts what reaches it."""

    class Target(_Counter):
        hits = 0

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
    port = target.server_address[1]

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/v.mp4")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    source = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for server in (target, source):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{source.server_address[1]}/v.mp4", Target
    for server in (target, source):
        server.shutdown()
        server.server_close()


def test_remote_probe_does_not_follow_a_redirect_to_another_host(
    two_servers: tuple[str, type[_Counter]],
) -> None:
    url, target = two_servers
    with pytest.raises(RemoteReadError, match="another host"):
        HttpRangeSource(url, timeout=2)
    assert target.hits == 0


def _raw(sb: Sandbox, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as conn:
        conn.sendall(head)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):  # headers and body may arrive apart: read until the close
            answer += chunk
        return answer


def test_sandbox_bounds_request_sizes(tmp_path: Path) -> None:
    import oss2

    config = SandboxConfig(data_dir=tmp_path / "small", max_object_bytes=1024)
    with Sandbox(config) as sb:
        bucket = oss2.Bucket(
            oss2.AuthV4(sb.access_key_id, sb.access_key_secret), sb.oss_endpoint, "b-1", region=REGION
        )
        bucket.put_object("fits", b"x" * 1024)
        with pytest.raises(oss2.exceptions.OssError) as info:
            bucket.put_object("too-big", b"x" * 1025)
        assert (info.value.status, info.value.code) == (400, "EntityTooLarge")
        # A declared length far beyond the limit is refused without reading a byte of the body: an
        # ICE body is read only once the signature holds, and one this long is never drained.
        answer = _raw(
            sb,
            b"POST /?Action=ListAvatarTrainingJobs HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 99999999999\r\n\r\n",
        )
        assert answer.startswith(b"HTTP/1.1 400") and b"IncompleteSignature" in answer
        assert b"connection: close" in answer.lower()
        assert sb.requests.count("PutObject", ok=False) == 1


def test_sandbox_command_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    done = run_cli(["sandbox", "--host", "0.0.0.0"], cli_env(tmp_path), timeout=30)
    assert done.returncode == 2 and "loopback" in done.stderr
