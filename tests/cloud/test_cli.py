"""The cloud commands on the command line: exit codes, JSON, the credential chain, no secret shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from tests.helpers import REGION
from validator.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_every_parameter_problem_is_reported_at_once_without_network() -> None:
    result = runner.invoke(
        app,
        [
            "update",
            "--job-id",
            "abc",
            "--name",
            "abcdefgh",
            "--description",
            "x" * 1001,
            "--thumbnail",
            "http://example.com/t.gif",
            "--video",
            "no-such-file.mp4",
            "--endpoint",
            "127.0.0.1:9",  # nothing listens there: a network call would fail differently
        ],
    )
    assert result.exit_code == 1, result.output
    for rule in ("param-avatar-name", "param-description", "param-thumbnail", "param-media-id"):
        assert f"[{rule}]" in result.stdout


def test_usage_errors_exit_2(videos: dict[str, Path]) -> None:
    assert runner.invoke(app, ["update", "--job-id", "j", "--transparent", "maybe"]).exit_code == 2
    assert runner.invoke(app, ["update", "--name", "x"]).exit_code == 2
    no_bucket = runner.invoke(
        app,
        ["update", "--job-id", "j", "--video", str(videos["opaque"]), "--endpoint", "127.0.0.1:9"],
        env={"AVATAR_PREFLIGHT_BUCKET": ""},
    )
    assert no_bucket.exit_code == 2 and "bucket" in no_bucket.output


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed entry point in a fresh interpreter, so the credential chain reads ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "AVATAR_PREFLIGHT_"))}
    base.update(
        {
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true",
            "NO_PROXY": "127.0.0.1",
            "XDG_CACHE_HOME": env.get("HOME", "/nonexistent"),
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_credentials_is_one_line_naming_the_variables(tmp_path: Path) -> None:
    done = _run(["status", "0" * 32, "--endpoint", "127.0.0.1:9"], {"HOME": str(tmp_path)})
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in lines[0] and "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in lines[0]


def test_update_status_jobs_through_the_credential_chain(
    sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    env = _sandbox_env(sandbox, tmp_path)
    done = _run(
        [
            "update",
            "--job-id",
            "new",
            "--name",
            "cli",
            "--video",
            str(videos["opaque"]),
            "--submit",
            "--yes",
            "--format",
            "json",
        ],
        env,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["schema_version"] == 1 and document["outcome"] == "done"
    assert [r["action"] for r in document["requests"]][-2:] == [
        "UpdateAvatarTrainingJob",
        "SubmitAvatarTrainingJob",
    ]
    assert document["video"]["verdict"] in ("pass", "warn")
    job_id = document["job_id"]

    shown = _run(["status", job_id, "--format", "json"], env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["job"]["job_id"] == job_id
    listed = _run(["jobs"], env)
    assert listed.returncode == 0 and job_id in listed.stdout

    missing = _run(["status", "0" * 32], env)
    assert missing.returncode == 4
    assert "NotFound" in missing.stderr and "request ID" in missing.stderr

    for output in (done, shown, listed, missing):
        assert sandbox.access_key_secret not in output.stdout + output.stderr


def _sandbox_env(sandbox: Sandbox, home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "ALIBABA_CLOUD_ACCESS_KEY_ID": sandbox.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": sandbox.access_key_secret,
        "AVATAR_PREFLIGHT_REGION": REGION,
        "AVATAR_PREFLIGHT_ENDPOINT": sandbox.endpoint,
        "AVATAR_PREFLIGHT_OSS_ENDPOINT": sandbox.oss_endpoint,
        "AVATAR_PREFLIGHT_BUCKET": "cli-tests",
    }


def _error_document(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    """The one JSON document a failed ``--format json`` run prints on stdout."""
    document: dict[str, object] = json.loads(done.stdout)  # exactly one document: else this raises
    assert document["schema_version"] == 1 and document["outcome"] == "error"
    assert document["exit_code"] == done.returncode
    return document


def test_every_json_run_prints_one_document_even_when_it_fails(sandbox: Sandbox, tmp_path: Path) -> None:
    env = _sandbox_env(sandbox, tmp_path)
    missing = "0" * 32
    update = _run(["update", "--job-id", missing, "--name", "x", "--yes", "--format", "json"], env)
    assert update.returncode == 4, update.stderr
    document = _error_document(update)
    assert document["command"] == "update" and "NotFound" in str(document["message"])
    assert f"job {missing} does not exist" in str(document["advice"])

    status = _run(["status", missing, "-f", "json"], env)
    assert status.returncode == 4 and _error_document(status)["command"] == "status"

    no_keys = _run(["jobs", "--format=json", "--endpoint", "127.0.0.1:9"], {"HOME": str(tmp_path)})
    assert no_keys.returncode == 3 and "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(
        _error_document(no_keys)["message"]
    )

    bad = tmp_path / "bad.toml"
    bad.write_text("max_duration = 'x'\n")
    config = _run(["config", "-f", "json", "--rules", str(bad)], env)
    assert config.returncode == 3 and "max_duration" in str(_error_document(config)["message"])

    usage = _run(["status", "--format", "json"], env)  # no JOB_ID: refused while parsing
    assert usage.returncode == 2 and "JOB_ID" in str(_error_document(usage)["message"])


class _OddAnswers(BaseHTTPRequestHandler):
    """An ICE endpoint whose answer parses but holds what our reading of it does not expect."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"RequestId": "r-1", "Data": {"TotalCount": "many", "AvatarTrainingJobList": []}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_a_bug_of_ours_is_an_internal_error_asking_for_a_report(tmp_path: Path) -> None:
    """Not a PreflightError: exit 3, its type and message, and a line asking to report it with the
    command. Injected for real: a 200 answer whose TotalCount is not a number trips our parsing."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OddAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"127.0.0.1:{server.server_address[1]}"
        env = {
            "HOME": str(tmp_path),
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-test-key",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "test-secret",
        }
        done = _run(["jobs", "--endpoint", endpoint, "--region", REGION], env)
        as_json = _run(["jobs", "--endpoint", endpoint, "--region", REGION, "-f", "json"], env)
    finally:
        server.shutdown()
    assert done.returncode == 3, done.stderr
    first, second = done.stderr.strip().splitlines()
    assert first.startswith("avatar-preflight: internal error: ValueError: ") and "'many'" in first
    assert "bug" in second and "report" in second
    assert second.endswith(f"avatar-preflight jobs --endpoint {endpoint} --region {REGION}")
    assert as_json.returncode == 3 and "internal error" in str(_error_document(as_json)["message"])
