"""Fixtures for the reliability tests: the sandbox and services of ``tests/sandbox`` and
``tests/cloud``, the command line run as a subprocess against it, and loopback servers that misbehave.

Only 127.0.0.1 is ever contacted (proxies are dropped by the imported sandbox conftest; the credential
chain is kept off the network by ``tests/conftest.py`` and by the environment given to subprocesses).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.cloud.conftest import cache_dir, slow, slow_sandbox  # noqa: F401
from tests.sandbox.conftest import REGION, running_sandbox, sandbox, videos  # noqa: F401
from validator.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "reliability"


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for the command line: no inherited cloud settings, the chain off the network,
    the cache (upload checkpoints) and HOME inside ``home``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "AVATAR_PREFLIGHT_"))}
    base.update(
        {
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    base.update(extra)
    return base


def sandbox_env(
    sb: Sandbox, home: Path, key_id: str | None = None, secret: str | None = None, **extra: str
) -> dict[str, str]:
    """:func:`cli_env` pointed at ``sb`` with its key pair (or the one given)."""
    return cli_env(
        home,
        ALIBABA_CLOUD_ACCESS_KEY_ID=key_id or sb.access_key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret or sb.access_key_secret,
        AVATAR_PREFLIGHT_REGION=REGION,
        AVATAR_PREFLIGHT_ENDPOINT=sb.endpoint,
        AVATAR_PREFLIGHT_OSS_ENDPOINT=sb.oss_endpoint,
        AVATAR_PREFLIGHT_BUCKET=BUCKET,
        **extra,
    )


def command(*args: str) -> list[str]:
    """The command line in a fresh interpreter, so the credential chain reads the given environment."""
    return [sys.executable, "-c", "from cli import main; main()", *args]


def run_cli(args: list[str], env: Mapping[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args),
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def create_job(sb: Sandbox, **fields: object) -> str:
    """A new ``Init`` job through the official client."""
    from alibabacloud_ice20201109 import models

    from tests.sandbox.conftest import ice_client

    job_id: str = (
        ice_client(sb)
        .create_avatar_training_job(models.CreateAvatarTrainingJobRequest(avatar_name="rel", **fields))
        .body.data.job_id
    )
    return job_id


class SilentServer:
    """A loopback TCP server that accepts every connection and never answers (nor closes)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._listener.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()
