"""Ctrl-C and SIGTERM in the middle of an upload: a one-line message saying how to resume, the shell's
exit code, no traceback; the same command run again sends only the parts that are not in OSS yet,
and the object's CRC-64 is right (checked by oss2, and here against the sandbox's own)."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import RELIABILITY_BUCKET as BUCKET
from tests.helpers import ROOT, command, create_job, run_cli, sandbox_env
from validator.crc64 import crc64_of_file
from validator.sandbox import Logged, Sandbox

PART = 100 * 1024


def _ok_parts(sb: Sandbox) -> set[int]:
    return {int(e.params["PartNumber"]) for e in sb.requests.entries("UploadPart", ok=True)}


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_upload_resumes_with_the_missing_parts_only(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path, signum: int, code: int
) -> None:
    path = videos["opaque"]
    parts = -(-path.stat().st_size // PART)
    assert parts >= 8, "the test needs a multipart upload of several waves"
    job_id = create_job(sandbox)
    env = sandbox_env(sandbox, tmp_path, AVATAR_PREFLIGHT_PART_SIZE=str(PART))
    args = ["update", "--job-id", job_id, "--video", str(path), "--yes", "--format", "json"]

    first_part = threading.Event()

    def watch(entry: Logged) -> None:
        if entry.action == "UploadPart" and entry.ok:
            first_part.set()

    stop = sandbox.requests.listen(watch)
    sandbox.faults.set(latency_ms=250, services=["oss"])
    started = time.monotonic()
    proc = subprocess.Popen(
        command(*args),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert first_part.wait(30), "the upload never started"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        stop()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert "Traceback" not in err and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("avatar-preflight: interrupted during the upload") and "same command again" in last
    assert time.monotonic() - started < 30
    time.sleep(0.6)  # parts already on the wire land (or fail) on the service side
    sandbox.faults.clear()
    checkpoints = list((tmp_path / "cache" / "avatar-preflight" / "uploads").iterdir())
    assert len(checkpoints) == 1  # the resumable state the next run picks up
    before = _ok_parts(sandbox)
    assert 0 < len(before) < parts

    sandbox.requests.clear()
    again = run_cli(args, env)
    assert again.returncode == 0, again.stderr
    sent = [int(e.params["PartNumber"]) for e in sandbox.requests.entries("UploadPart")]
    assert sorted(sent) == sorted(set(range(1, parts + 1)) - before)  # only the missing parts, once each
    document = json.loads(again.stdout)
    upload = document["media"][0]["upload"]
    size = path.stat().st_size
    assert upload["resumed_bytes"] == sum(min(PART, size - (n - 1) * PART) for n in before)
    meta = sandbox._running_app().objects.head(BUCKET, upload["key"])
    assert meta is not None and meta.crc64 == crc64_of_file(path) == int(upload["crc64"])
    assert not any(checkpoint.exists() for checkpoint in checkpoints)  # done: the checkpoint is gone
