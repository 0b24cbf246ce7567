"""Timeouts on every call: a server that accepts the connection and never answers is abandoned in
bounded time, with exit 4 and a message saying so (``AVATAR_PREFLIGHT_TIMEOUT`` shortens the wait)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.helpers import REGION, SilentServer, cli_env, run_cli
from validator.sandbox import Sandbox

TIMEOUT = 1.0
BOUND = 15.0
"""Two tries of one second each, a backoff and the interpreter's start: far below this."""


def _env(tmp_path: Path, ice: str, oss: str) -> dict[str, str]:
    return cli_env(
        tmp_path,
        ALIBABA_CLOUD_ACCESS_KEY_ID="LTAI5tSilentServerKey000",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET="silent-server-secret",
        AVATAR_PREFLIGHT_REGION=REGION,
        AVATAR_PREFLIGHT_ENDPOINT=ice,
        AVATAR_PREFLIGHT_OSS_ENDPOINT=oss,
        AVATAR_PREFLIGHT_BUCKET="silent",
        AVATAR_PREFLIGHT_TIMEOUT=str(TIMEOUT),
    )


def test_silent_ice_endpoint_is_abandoned_with_exit_4(silent_server: SilentServer, tmp_path: Path) -> None:
    here = f"127.0.0.1:{silent_server.port}"
    for args in (["status", "0" * 32], ["update", "--job-id", "0" * 32, "--name", "x", "--yes"]):
        started = time.monotonic()
        done = run_cli(args, _env(tmp_path, here, f"http://{here}"), timeout=60)
        took = time.monotonic() - started
        assert done.returncode == 4, done.stderr
        assert took < BOUND, took
        assert "GetAvatarTrainingJob" in done.stderr and "no answer within the timeout" in done.stderr
        assert "AVATAR_PREFLIGHT_TIMEOUT" in done.stderr  # what to do
        assert "Traceback" not in done.stderr
    assert silent_server.accepted == 4  # each command: one try and one retry, then gave up


def test_silent_oss_endpoint_is_abandoned_with_exit_4(
    sandbox: Sandbox, silent_server: SilentServer, videos: dict[str, Path], tmp_path: Path
) -> None:
    env = _env(tmp_path, sandbox.endpoint, f"http://127.0.0.1:{silent_server.port}")
    env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = sandbox.access_key_id
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = sandbox.access_key_secret
    started = time.monotonic()
    done = run_cli(
        ["update", "--job-id", "new", "--name", "x", "--video", str(videos["opaque"]), "--yes"],
        env,
        timeout=60,
    )
    took = time.monotonic() - started
    assert done.returncode == 4, done.stderr
    assert took < BOUND, took
    assert "OSS HeadObject failed: NetworkError: no answer within the timeout" in done.stderr
    assert sandbox.requests.count("CreateAvatarTrainingJob", ok=None) == 0  # nothing was created
