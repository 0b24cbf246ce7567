"""No access key, secret or STS token in anything the tool produces: every command runs with
recognisable fake credentials (accepted by the sandbox), and stdout, stderr, every file written
(reports, upload checkpoints, anything under HOME and the cache) and the reprs of the objects that
hold credentials are scanned for them."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, command, create_job, run_cli, sandbox_env
from validator.sandbox import Sandbox, SandboxConfig, StsCredential

KEY_ID = "LTAI5tCANARYKEYID0000000"
SECRET = "SECRET-CANARY-9f8e7d6c5b4a3"
STS_ID = "STS.CANARYSTSKEYID0000000000"
STS_SECRET = "SECRET-CANARY-STS-1a2b3c4d5e"
TOKEN = "STS-CANARY-TOKEN-" + "Q" * 48
CANARIES = (KEY_ID, SECRET, STS_ID, STS_SECRET, TOKEN)


@pytest.fixture(scope="module")
def canary_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    config = SandboxConfig(
        data_dir=tmp_path_factory.mktemp("canary"),
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        sts=(StsCredential(STS_ID, STS_SECRET, TOKEN),),
        queue_seconds=0.1,
        train_seconds=0.2,
        prepare_seconds=0.05,
        max_object_bytes=150 * 1024,  # parts of 100 KiB pass, parts of 200 KiB are refused
    )
    with Sandbox(config) as sb:
        yield sb


def _leaks(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


def test_no_command_shows_a_credential(
    canary_sandbox: Sandbox, videos: dict[str, Path], tmp_path: Path
) -> None:
    sb = canary_sandbox
    home = tmp_path / "home"
    out = tmp_path / "out"
    out.mkdir()
    parts = {"AVATAR_PREFLIGHT_PART_SIZE": str(100 * 1024)}
    static = sandbox_env(sb, home, **parts)
    sts = sandbox_env(sb, home, key_id=STS_ID, secret=STS_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN=TOKEN, **parts)
    job_id = create_job(sb)
    video, short = str(videos["opaque"]), str(videos["short"])
    runs: list[tuple[list[str], dict[str, str]]] = [
        (["check", video, "--format", "json", "--output", str(out / "r.json")], static),
        (["check", video, "--format", "junit", "--output", str(out / "r.xml")], static),
        (["check", short, "--format", "sarif", "--output", str(out / "r.sarif")], static),
        (["-v", "update", "--job-id", job_id, "--video", video, "--dry-run"], static),
        (["update", "--job-id", job_id, "--name", "dry", "--dry-run", "--format", "json"], sts),
        (
            ["-v", "update", "--job-id", job_id, "--video", video, "--submit", "--yes", "--format", "json"],
            sts,
        ),
        (["update", "--job-id", job_id, "--name", "again"], static),  # refused: stdin is no terminal
        (["status", job_id], sts),
        (["status", job_id, "--format", "json"], static),
        (["status", "0" * 32], static),  # the service's NotFound
        (["jobs", "--format", "json"], sts),
        (["jobs"], static),
        (["config"], static),
        (["config", "--format", "json"], sts),
        (["fix", short, str(out / "fixed.mp4"), "--dry-run"], static),
        (["preview", short, "-o", str(out / "sheet.png")], static),
    ]
    # A run whose upload fails (its parts are too large for this sandbox) leaves its checkpoint
    # behind, to be scanned too.
    failing = dict(static, AVATAR_PREFLIGHT_PART_SIZE=str(200 * 1024))
    runs.append(
        (["update", "--job-id", "new", "--name", "f", "--video", str(videos["alpha"]), "--yes"], failing)
    )
    produced: list[str] = []
    for args, env in runs:
        done = run_cli(args, env, timeout=120)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        produced += [done.stdout, done.stderr]
        assert not _leaks(done.stdout + done.stderr), args
    assert done.returncode == 4 and "EntityTooLarge" in done.stderr  # the upload really failed...
    files = [p for p in (*home.rglob("*"), *out.rglob("*")) if p.is_file()]
    assert any("uploads" in p.parts for p in files)  # ...and left a checkpoint
    for path in files:
        assert not _leaks(path.read_bytes().decode("utf-8", "replace")), path
    assert sb.requests.count("SubmitAvatarTrainingJob") == 1  # the STS run really reached the service


def test_sandbox_command_shows_its_own_keys_only(tmp_path: Path) -> None:
    from tests.helpers import cli_env

    environment = cli_env(
        tmp_path,
        ALIBABA_CLOUD_ACCESS_KEY_ID=KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=SECRET,
        ALIBABA_CLOUD_SECURITY_TOKEN=TOKEN,
    )
    proc = subprocess.Popen(
        command("sandbox", "--data-dir", str(tmp_path / "sb")),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in iter(proc.stdout.readline, ""):
            lines.append(line)
            if line.startswith("unset "):  # the last line it prints
                break
    finally:
        proc.terminate()
        rest, err = proc.communicate(timeout=10)
    shown = "".join(lines) + rest + err
    assert "export ALIBABA_CLOUD_ACCESS_KEY_SECRET=" in shown
    assert not _leaks(shown)


def test_objects_holding_credentials_never_show_them(canary_sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.helpers import settings_for
    from validator.cloud.connect import connect
    from validator.cloud.credentials import Credentials, static
    from validator.cloud.errors import CloudError

    credentials = static(KEY_ID, SECRET, TOKEN)
    texts = [repr(credentials), str(credentials), repr(credentials.get()), str(credentials.get())]
    texts.append(repr(Credentials(KEY_ID, SECRET, TOKEN)))
    services = connect(settings_for(canary_sandbox), static(STS_ID, STS_SECRET, TOKEN), cache_dir=tmp_path)
    texts += [repr(services), repr(services.ice), repr(services.store)]
    wrong = static(KEY_ID, "SECRET-CANARY-wrong-one")
    bad = connect(settings_for(canary_sandbox), wrong, cache_dir=tmp_path)
    for attempt in (lambda: bad.ice.get_job("x"), lambda: bad.store.head("k")):
        with pytest.raises(CloudError) as info:
            attempt()
        texts += [str(info.value), repr(info.value), repr(info.value.__cause__), str(info.value.__cause__)]
    joined = "\n".join(texts)
    assert not _leaks(joined) and "SECRET-CANARY-wrong-one" not in joined
