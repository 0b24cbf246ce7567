"""The ``sandbox`` command prints shell lines that point the cloud commands at it: applied by a shell
to an environment with no cloud setting of its own, they are all ``update``, ``status`` and ``jobs``
need (endpoints, region, bucket and the key pair the sandbox accepts)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, cli_env
from validator.cloud.settings import ENV

READY = "unset "
"""The last line the sandbox prints."""


@pytest.fixture
def printed(tmp_path: Path) -> Iterator[Path]:
    """``avatar-preflight sandbox --data-dir DIR > sandbox.env &``, as a person would start it; the
    file once the sandbox has written its lines."""
    out = tmp_path / "sandbox.env"
    with out.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "validator", "sandbox", "--data-dir", str(tmp_path / "data")],
            cwd=ROOT,
            env=cli_env(tmp_path),
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 30
        while READY not in out.read_text() and time.monotonic() < deadline:
            assert server.poll() is None, "the sandbox command ended"
            time.sleep(0.05)
        yield out
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0


def _with_printed(env_file: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line run by a shell that first sourced the printed lines."""
    return _cli(["sh", "-c", '. "$1" && shift && exec "$@"', "sh", str(env_file)], home, *args)


def _cli(prefix: list[str], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-c", "from cli import main; main()", *args],
        cwd=ROOT,
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_printed_lines_name_what_the_client_reads(printed: Path) -> None:
    exported = {
        line.split("=", 1)[0].removeprefix("export ")
        for line in printed.read_text().splitlines()
        if line.startswith("export ")
    }
    needed = {ENV[name] for name in ("region", "endpoint", "bucket", "oss_endpoint")}
    assert needed | {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} == exported


def test_update_status_and_jobs_reach_the_sandbox_with_only_the_printed_lines(
    printed: Path, tmp_path: Path
) -> None:
    created = _with_printed(
        printed, tmp_path, "update", "--job-id", "new", "--name", "envdemo", "--yes", "--format", "json"
    )
    assert created.returncode == 0, created.stderr
    job_id = json.loads(created.stdout)["job_id"]
    assert len(job_id) == 32

    status = _with_printed(printed, tmp_path, "status", job_id, "--format", "json")
    assert status.returncode == 0, status.stderr
    job = json.loads(status.stdout)["job"]
    assert (job["job_id"], job["status"], job["avatar_name"]) == (job_id, "Init", "envdemo")

    listed = _with_printed(printed, tmp_path, "jobs", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [j["job_id"] for j in json.loads(listed.stdout)["jobs"]] == [job_id]


def test_without_the_printed_lines_the_commands_do_not_find_the_sandbox(tmp_path: Path) -> None:
    # The contrast that makes the test above mean something: the same environment, nothing sourced,
    # has no credentials at all.
    done = _cli([], tmp_path, "jobs")
    assert done.returncode == 3 and "ALIBABA_CLOUD_ACCESS_KEY_ID" in done.stderr
