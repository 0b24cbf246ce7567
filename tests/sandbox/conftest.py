"""Fixtures for the sandbox tests: one running sandbox per session, reset before every test.

Only the official clients talk to it: ``alibabacloud_ice20201109`` over plain HTTP, and ``oss2``.
The credential chain was switched off the network by ``tests/conftest.py`` before anything imported
it; proxies are dropped here so that nothing but 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os

for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import pytest  # noqa: E402

from validator.sandbox import Sandbox, SandboxConfig, ShiftedClock  # noqa: E402

REGION = "cn-shanghai"
BUCKET = "sandbox-tests"
FAST = dict(queue_seconds=0.2, train_seconds=0.3, prepare_seconds=0.1)

T = TypeVar("T")


@pytest.fixture(scope="session")
def running_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox on a free loopback port for the whole session."""
    sandbox = Sandbox(
        SandboxConfig(data_dir=tmp_path_factory.mktemp("sandbox"), **FAST),  # type: ignore[arg-type]
        clock=ShiftedClock(),
    )
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(running_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, emptied, with no faults and the clock on time."""
    running_sandbox.reset()
    assert isinstance(running_sandbox.clock, ShiftedClock)
    running_sandbox.clock.shift(0)
    yield running_sandbox
    running_sandbox.faults.clear()
    running_sandbox.clock.shift(0)


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


@pytest.fixture
def ice(sandbox: Sandbox) -> Any:
    return ice_client(sandbox)


def oss_bucket(sandbox: Sandbox, auth: Any = None, name: str = BUCKET, **kwargs: Any) -> Any:
    """An ``oss2.Bucket`` on the sandbox, signing with V4 unless ``auth`` says otherwise."""
    import oss2

    auth = auth or oss2.AuthV4(sandbox.access_key_id, sandbox.access_key_secret)
    return oss2.Bucket(auth, sandbox.oss_endpoint, name, region=REGION, **kwargs)


@pytest.fixture
def bucket(sandbox: Sandbox) -> Any:
    return oss_bucket(sandbox)


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated training videos: ``opaque`` (valid, no alpha) and ``alpha`` (valid, with alpha)."""
    from samples.generate import VideoSpec, generate

    folder = tmp_path_factory.mktemp("sandbox-videos")
    specs = {
        "opaque": ("opaque.mp4", VideoSpec("mp4", codec="h264", width=1920, height=1080,
                                            duration=330, audio_duration=330)),
        "alpha": ("alpha.webm", VideoSpec("webm", codec="vp9", alpha=True, width=1920,
                                           height=1080, duration=330, audio_duration=330)),
        "short": ("short.mp4", VideoSpec("mp4", codec="h264", width=1920, height=1080,
                                          duration=20, audio_duration=20)),
    }
    paths = {}
    for name, (filename, spec) in specs.items():
        paths[name] = folder / filename
        generate(spec, paths[name])
    return paths


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
