"""Test-wide setup and the fixtures more than one test folder uses (helpers a test imports live in
``tests/helpers.py``).

The first lines keep the Alibaba credential chain off the network: ``alibabacloud_credentials`` reads
these switches once, at import, so they must be set before any test module (or the library) imports
it, at the very top of the first conftest pytest loads. Proxies are dropped so that nothing but
127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os
import signal
import tempfile

os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
os.environ["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "true"
os.environ["HOME"] = tempfile.mkdtemp(prefix="avatar-preflight-home-")
for _name in (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_CREDENTIALS_URI",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",  # a check under test must not append to the real job summary
):
    os.environ.pop(_name, None)
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)

# A suite started in the background of a non-interactive shell (`nohup ... &`) inherits SIGINT
# ignored, and an ignored signal stays ignored across exec: the commands the tests interrupt with
# Ctrl-C would never see it. A handler of our own is reset to the default in every child.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import pytest  # noqa: E402

if TYPE_CHECKING:
    from validator.sandbox import Sandbox


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``media(name)`` -> path of the generated test video ``name`` from ``tests/media.py``.

    Each file is made once per session, on first use, so a run that selects a few tests pays only
    for the files it needs.
    """
    from samples.generate import generate
    from tests.media import CASES

    folder = tmp_path_factory.mktemp("media")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            case = CASES[name]
            path = folder / case.filename
            generate(case.spec, path)
            made[name] = path
        return made[name]

    return get


@pytest.fixture(scope="session")
def running_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox on a free loopback port for the whole session."""
    from tests.helpers import FAST, serving

    yield from serving(tmp_path_factory.mktemp("sandbox"), **FAST)


@pytest.fixture(scope="session")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox whose jobs sit in each state for a minute: states are reached by shifting its clock."""
    from tests.helpers import serving

    folder = tmp_path_factory.mktemp("slow-sandbox")
    yield from serving(folder, queue_seconds=60, train_seconds=60, prepare_seconds=0.05)


@pytest.fixture
def sandbox(running_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, emptied, with no faults and the clock on time."""
    from tests.helpers import fresh

    yield from fresh(running_sandbox)


@pytest.fixture
def ice(sandbox: Sandbox) -> Any:
    """The official ICE client on :func:`sandbox`."""
    from tests.helpers import ice_client

    return ice_client(sandbox)


@pytest.fixture
def bucket(sandbox: Sandbox) -> Any:
    """An oss2 bucket on :func:`sandbox`."""
    from tests.helpers import oss_bucket

    return oss_bucket(sandbox)


@pytest.fixture
def slow(slow_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The slow sandbox, emptied, with its clock on time."""
    from tests.helpers import fresh

    yield from fresh(slow_sandbox)


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated training videos: ``opaque`` (valid, no alpha), ``alpha`` (valid, with alpha) and
    ``short`` (20 s, too short to train on)."""
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
