"""What a cloud command starts from: endpoints, the timeout, the credential chain.

An endpoint with a user name or password in it is refused (exit 2, one line, the secret nowhere in the
output), wherever it comes from and whichever command reads it; ``AVATAR_PREFLIGHT_TIMEOUT`` that is
not a finite positive number is refused the same way; and a link of the credential chain that fails
(a credentials URI on a loopback port nobody listens on) leaves one line, not the SDK's tracebacks.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REGION, ROOT, cli_env, command, run_cli
from validator.cloud.transfer import TIMEOUT_ENV, from_environment
from validator.errors import UsageError

SECRET = "Pa55-CANARY-e1f2"
USER = "alice-canary"
JOB = "0" * 32


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("args", "extra", "host"),
    [
        (
            ["config"],
            {"AVATAR_PREFLIGHT_OSS_ENDPOINT": f"https://{USER}:{SECRET}@127.0.0.1:9"},
            "https://127.0.0.1:9",
        ),
        (
            ["-v", "update", "--job-id", JOB, "--name", "x", "--dry-run",
             "--oss-endpoint", f"http://{USER}:{SECRET}@127.0.0.1:9"],
            {},
            "http://127.0.0.1:9",
        ),
        (["status", JOB, "--endpoint", f"{USER}:{SECRET}@127.0.0.1:9"], {}, "127.0.0.1:9"),
        (["-v", "jobs"], {"AVATAR_PREFLIGHT_ENDPOINT": f"{SECRET}@127.0.0.1:9"}, "127.0.0.1:9"),
    ],
    ids=["config-env-oss", "verbose-update-option-oss", "status-option-ice", "jobs-env-ice-user-only"],
)
def test_an_endpoint_with_credentials_is_refused_without_showing_them(
    tmp_path: Path, args: list[str], extra: dict[str, str], host: str
) -> None:
    env = cli_env(tmp_path, AVATAR_PREFLIGHT_REGION=REGION, **extra)
    done = run_cli(args, env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert SECRET not in done.stdout + done.stderr and USER not in done.stdout + done.stderr
    [line] = _lines(done.stderr)
    assert "user name or password" in line and host in line


def test_an_endpoint_in_the_project_file_with_credentials_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "avatar-preflight.toml").write_text(
        f'oss_endpoint = "https://{USER}:{SECRET}@127.0.0.1:9"\n', encoding="utf-8"
    )
    env = cli_env(tmp_path, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        command("config", "--format", "json"), cwd=project, env=env, capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert "avatar-preflight.toml" in done.stderr


@pytest.mark.parametrize(
    "raw", ["nan", "NaN", "inf", "-inf", "-3", "0", "1e400", "1e300", "3601", "soon", "0.0001"]
)
def test_a_timeout_that_is_no_finite_number_in_range_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError, match=TIMEOUT_ENV):
        from_environment({TIMEOUT_ENV: raw})


def test_a_timeout_in_range_is_used_for_both_services() -> None:
    transfer = from_environment({TIMEOUT_ENV: " 2.5 "})
    assert transfer.timeouts.read == transfer.tuning.timeout_seconds == 2.5
    assert transfer.timeouts.connect <= 2.5


def test_the_command_line_refuses_a_nan_timeout_with_exit_2(tmp_path: Path) -> None:
    env = cli_env(
        tmp_path,
        ALIBABA_CLOUD_ACCESS_KEY_ID="LTAI5tTimeoutTestKey0000",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET="timeout-test-secret",
        AVATAR_PREFLIGHT_ENDPOINT="127.0.0.1:9",
        **{TIMEOUT_ENV: "nan"},
    )
    done = run_cli(["status", JOB], env, timeout=60)
    assert done.returncode == 2, done.stderr
    [line] = _lines(done.stderr)
    assert TIMEOUT_ENV in line and "finite" in line


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A loopback port bound but not listening: every connection to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_failing_link_of_the_credential_chain_leaves_one_line(tmp_path: Path, refusing_port: int) -> None:
    env = cli_env(
        tmp_path,
        ALIBABA_CLOUD_CREDENTIALS_URI=f"http://127.0.0.1:{refusing_port}/credentials",
        AVATAR_PREFLIGHT_ENDPOINT="127.0.0.1:9",
    )
    assert env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] == "true"  # nothing beyond 127.0.0.1
    done = run_cli(["status", JOB], env, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    [line] = _lines(done.stderr)
    assert line.startswith("avatar-preflight: no Alibaba Cloud credentials found")
