"""Test-wide setup. The first lines keep the Alibaba credential chain off the network.

``alibabacloud_credentials`` reads these switches once, at import: they must be set before any test
module (or the library) imports it, so they live at the very top of the first conftest pytest loads.
"""

import os
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
):
    os.environ.pop(_name, None)

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


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
