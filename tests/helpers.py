"""Helpers shared by the test folders (``tests/sandbox``, ``tests/cloud``, ``tests/reliability``):
the sandbox, its official clients, services built the way the command line builds them, and the
command line run as a subprocess against it. Fixtures live in the conftests; this module holds only
what a test imports.

Only 127.0.0.1 is ever contacted: ``tests/conftest.py`` drops the proxies and keeps the credential
chain off the network, and :func:`cli_env` does the same for subprocesses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from validator.cloud.credentials import static
from validator.cloud.embedded import SANDBOX_BUCKET
from validator.cloud.events import Event
from validator.cloud.flow import FlowOptions, Services
from validator.cloud.ice import SdkIceService, Timeouts, sdk_client
from validator.cloud.retry import RetryPolicy
from validator.cloud.settings import DEFAULT_PREFIX, Setting, Settings
from validator.cloud.storage import OssObjectStore, UploadTuning
from validator.sandbox import Sandbox, SandboxConfig, ShiftedClock

ROOT = Path(__file__).resolve().parents[1]
"""The checkout: where the command line runs from."""
REGION = "cn-shanghai"
TEST_BUCKET = "sandbox-tests"
"""The bucket the sandbox tests write into with oss2."""
RELIABILITY_BUCKET = "reliability"
"""The bucket the command line is pointed at in the reliability tests."""
FAST: dict[str, float] = dict(queue_seconds=0.2, train_seconds=0.3, prepare_seconds=0.1)
"""Sandbox timings for tests: every job state lasts a fraction of a second."""
SMALL_PARTS = UploadTuning(
    multipart_threshold=256 * 1024, part_size=100 * 1024, num_threads=3, timeout_seconds=10
)
FAST_RETRY = RetryPolicy(attempts=8, base_seconds=0.01, cap_seconds=0.05)

T = TypeVar("T")


# -- the sandbox ------------------------------------------------------------------------------------


def serving(data_dir: Path, **timings: float) -> Iterator[Sandbox]:
    """For a fixture (``yield from serving(...)``): a sandbox on a free loopback port, with a clock
    tests can shift, stopped when the fixture ends."""
    sb = Sandbox(SandboxConfig(data_dir=data_dir, **timings), clock=ShiftedClock())  # type: ignore[arg-type]
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def fresh(sb: Sandbox) -> Iterator[Sandbox]:
    """For a fixture (``yield from fresh(sb)``): ``sb`` emptied, with no faults and its clock on time,
    and put back on time afterwards."""
    sb.reset()
    assert isinstance(sb.clock, ShiftedClock)
    sb.clock.shift(0)
    try:
        yield sb
    finally:
        sb.faults.clear()
        sb.clock.shift(0)


def wait_until(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 10.0) -> T:
    """Poll ``read()`` until ``done`` holds for its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last value {value!r}")
        time.sleep(0.05)


# -- the official clients ---------------------------------------------------------------------------


def ice_client(sandbox: Sandbox, **overrides: Any) -> Any:
    """An official ICE client pointed at the sandbox (keyword overrides go to ``Config``)."""
    from alibabacloud_ice20201109.client import Client
    from alibabacloud_tea_openapi.models import Config

    settings: dict[str, Any] = dict(
        access_key_id=sandbox.access_key_id,
        access_key_secret=sandbox.access_key_secret,
        endpoint=sandbox.endpoint,
        protocol="http",
        region_id=REGION,
    )
    settings.update(overrides)
    return Client(Config(**settings))


def oss_bucket(sandbox: Sandbox, auth: Any = None, name: str = TEST_BUCKET, **kwargs: Any) -> Any:
    """An ``oss2.Bucket`` on the sandbox, signing with V4 unless ``auth`` says otherwise."""
    import oss2

    auth = auth or oss2.AuthV4(sandbox.access_key_id, sandbox.access_key_secret)
    return oss2.Bucket(auth, sandbox.oss_endpoint, name, region=REGION, **kwargs)


def register_video(ice: Any, bucket: Any, path: Path, key: str | None = None) -> str:
    """Upload ``path`` with oss2, register it, wait until it is ``Normal``; return the media ID."""
    from alibabacloud_ice20201109 import models

    key = key or f"videos/{path.name}"
    bucket.put_object_from_file(key, str(path))
    media_id: str = ice.register_media_info(models.RegisterMediaInfoRequest(
        input_url=f"oss://{bucket.bucket_name}/{key}", media_type="video")).body.media_id
    wait_until(lambda: media_status(ice, media_id), lambda s: s != "Preparing")
    return media_id


def media_status(ice: Any, media_id: str) -> str:
    from alibabacloud_ice20201109 import models

    info = ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.media_info
    return str(info.media_basic_info.status)


def job_of(ice: Any, job_id: str) -> Any:
    from alibabacloud_ice20201109 import models

    return ice.get_avatar_training_job(
        models.GetAvatarTrainingJobRequest(job_id=job_id)).body.data.avatar_training_job


def create_job(sb: Sandbox, avatar_name: str = "rel", **fields: object) -> str:
    """A new ``Init`` job through the official client."""
    from alibabacloud_ice20201109 import models

    request = models.CreateAvatarTrainingJobRequest(avatar_name=avatar_name, **fields)
    job_id: str = ice_client(sb).create_avatar_training_job(request).body.data.job_id
    return job_id


# -- services as the command line builds them -------------------------------------------------------


def settings_for(sb: Sandbox) -> Settings:
    here = "test"
    return Settings(
        Setting(REGION, here),
        Setting(sb.endpoint, here),
        Setting(SANDBOX_BUCKET, here),
        Setting(sb.oss_endpoint, here),
        Setting(DEFAULT_PREFIX, here),
        Setting(None, here),
    )


class Recorder:
    """An event sink that keeps every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind.value == kind]


class CountingBucket:
    """Wraps an ``oss2.Bucket``: counts UploadPart calls by part number (everything else passes)."""

    def __init__(self, inner: Any, parts: list[int]) -> None:
        self._inner = inner
        self._parts = parts

    def upload_part(self, key: str, upload_id: str, part_number: int, data: Any, **kw: Any) -> Any:
        self._parts.append(part_number)
        return self._inner.upload_part(key, upload_id, part_number, data, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def build_services(
    sb: Sandbox,
    cache_dir: Path,
    *,
    retry: RetryPolicy = FAST_RETRY,
    tuning: UploadTuning = SMALL_PARTS,
    parts: list[int] | None = None,
    on_retry: Callable[..., None] | None = None,
) -> Services:
    """Real SDK client and oss2 store against the sandbox, as ``connect`` builds them."""
    credentials = static(sb.access_key_id, sb.access_key_secret)
    client = sdk_client(sb.endpoint, REGION, "http", credentials.sdk_client(), Timeouts(5, 10))
    ice = SdkIceService(client, retry=retry, on_retry=on_retry)
    factory = None
    if parts is not None:
        import oss2

        def factory(name: str) -> Any:
            inner = oss2.Bucket(
                oss2.AuthV4(sb.access_key_id, sb.access_key_secret), sb.oss_endpoint, name, region=REGION
            )
            return CountingBucket(inner, parts)

    store = OssObjectStore(
        sb.oss_endpoint,
        SANDBOX_BUCKET,
        REGION,
        credentials,
        cache_dir=cache_dir,
        tuning=tuning,
        retry=retry,
        bucket_factory=factory,
        on_retry=(lambda *a: on_retry("oss", *a)) if on_retry else None,
    )
    return Services(ice, store)


def fast_options(**changes: Any) -> FlowOptions:
    base: dict[str, Any] = dict(
        region=REGION,
        bucket=SANDBOX_BUCKET,
        tuning=SMALL_PARTS,
        poll_seconds=0.05,
        media_poll_seconds=0.05,
        wait_timeout_seconds=20,
        media_timeout_seconds=20,
    )
    base.update(changes)
    return FlowOptions(**base)


# -- the command line in a subprocess, and servers that misbehave -----------------------------------


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
        AVATAR_PREFLIGHT_BUCKET=RELIABILITY_BUCKET,
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
