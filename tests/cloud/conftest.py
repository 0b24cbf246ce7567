"""Fixtures for the cloud commands: the sandbox (shared with tests/sandbox), and services built the
way the command line builds them, with fast retries and small upload parts.

Only 127.0.0.1 is ever contacted: the proxies are dropped and the credential chain kept off the
network by the imported sandbox conftest and ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.conftest import REGION, running_sandbox, sandbox, videos  # noqa: F401
from validator.cloud.credentials import static
from validator.cloud.embedded import SANDBOX_BUCKET
from validator.cloud.events import Event
from validator.cloud.flow import FlowOptions, Services
from validator.cloud.ice import SdkIceService, Timeouts, sdk_client
from validator.cloud.retry import RetryPolicy
from validator.cloud.settings import DEFAULT_PREFIX, Setting, Settings
from validator.cloud.storage import OssObjectStore, UploadTuning
from validator.sandbox import Sandbox, SandboxConfig, ShiftedClock

SMALL_PARTS = UploadTuning(
    multipart_threshold=256 * 1024, part_size=100 * 1024, num_threads=3, timeout_seconds=10
)
FAST_RETRY = RetryPolicy(attempts=8, base_seconds=0.01, cap_seconds=0.05)


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


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(scope="session")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox whose jobs sit in each state for a minute: states are reached by shifting its clock."""
    sb = Sandbox(
        SandboxConfig(
            data_dir=tmp_path_factory.mktemp("slow-sandbox"),
            queue_seconds=60,
            train_seconds=60,
            prepare_seconds=0.05,
        ),
        clock=ShiftedClock(),
    )
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture
def slow(slow_sandbox: Sandbox) -> Iterator[Sandbox]:
    slow_sandbox.reset()
    assert isinstance(slow_sandbox.clock, ShiftedClock)
    slow_sandbox.clock.shift(0)
    yield slow_sandbox
    slow_sandbox.clock.shift(0)
