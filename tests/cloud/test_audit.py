"""``jobs --audit`` against the sandbox, with the real SDK and oss2: jobs in every state, each built
with one known problem (or none), audited over several pages; every output format names each job.

The jobs are made once for the module in the slow sandbox (each state lasts a minute of its clock):
two are submitted and the clock moved past their verdict (one Success, one Fail), one submitted and
moved into Training, one submitted last and left Queuing; the rest stay Init. Each row of
:data:`JOBS` says how its job is built and, from that, what the audit must find.
"""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    FAST_RETRY,
    build_services,
    fast_options,
    fresh,
    ice_client,
    oss_bucket,
    run_cli,
    sandbox_env,
    wait_until,
)
from validator.cloud.audit import Audit, AuditOptions, audit_jobs
from validator.sandbox import Sandbox

PAGE = 4
"""Jobs per page in the listing: the scenario's jobs span three pages."""
MISSING_MEDIA = "0" * 32
"""A media ID the sandbox never issued."""


@dataclass(frozen=True, slots=True)
class Built:
    """How one job is made, and what the audit must say about it because of that."""

    name: str
    video: str | None
    """Key of :func:`_media` for the job's Video; ``None``: no Video."""
    transparent: bool
    status: str
    """The state the job is moved to."""
    errors: frozenset[str] = frozenset()
    warnings: frozenset[str] = frozenset()
    portrait: bool = True
    later_video: str | None = None
    """A Video set after training (a Success job's video replaced)."""


JOBS = (
    Built("clean", "opaque", False, "Init"),
    # Transparent=true on a video without alpha: the malfunction this tool exists to prevent
    Built("mismat", "opaque", True, "Init", errors=frozenset({"transparent-mismatch"})),
    Built("alphaok", "alpha", True, "Init"),
    Built("novideo", None, False, "Init", errors=frozenset({"job-video-missing"})),
    Built("noport", "opaque", False, "Init", warnings=frozenset({"job-portrait-missing"}), portrait=False),
    Built("prepfai", "broken", False, "Init", errors=frozenset({"job-media-state"})),
    Built("gone", "missing", False, "Init", errors=frozenset({"job-media-not-found"})),
    # a 20-second video fails training; the job, Fail, can be fixed and submitted again
    Built("failed", "short", False, "Fail", errors=frozenset({"duration-range"})),
    # trained on the opaque video; an alpha video set afterwards contradicts its Transparent=false,
    # which a trained job cannot change: a warning, not a failure
    Built(
        "trained",
        "opaque",
        False,
        "Success",
        warnings=frozenset({"transparent-mismatch"}),
        later_video="alpha",
    ),
    # training with a contradicting flag: nothing can change now, it will fail or malfunction
    Built("traini", "opaque", True, "Training", errors=frozenset({"transparent-mismatch"})),
    Built("queued", "opaque", False, "Queuing"),
)


@dataclass(frozen=True, slots=True)
class Scenario:
    sandbox: Sandbox
    ids: dict[str, str]
    """Job name -> job ID."""

    def name_of(self, job_id: str) -> str:
        return next(n for n, i in self.ids.items() if i == job_id)


def _png(path: Path, side: int) -> Path:
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )
    return path


def _register(ice: Any, bucket: Any, key: str, path: Path | None, media_type: str) -> str:
    from alibabacloud_ice20201109 import models

    if path is not None:
        bucket.put_object_from_file(key, str(path))
    request = models.RegisterMediaInfoRequest(
        input_url=f"oss://{bucket.bucket_name}/{key}", media_type=media_type
    )
    media_id: str = ice.register_media_info(request).body.media_id
    return media_id


def _media(ice: Any, bucket: Any, videos: dict[str, Path], folder: Path) -> dict[str, str]:
    """Media IDs: the three videos and a portrait (``Normal``), a text file registered as a video
    (``PrepareFail``), and an ID the service never issued."""
    (folder / "notes.mp4").write_text("not a video\n")
    ids = {name: _register(ice, bucket, f"audit/{p.name}", p, "video") for name, p in videos.items()}
    ids["broken"] = _register(ice, bucket, "audit/notes.mp4", folder / "notes.mp4", "video")
    ids["portrait"] = _register(ice, bucket, "audit/face.png", _png(folder / "face.png", 512), "image")
    ids["missing"] = MISSING_MEDIA
    from tests.helpers import media_status

    for media_id in (v for k, v in ids.items() if k != "missing"):
        wait_until(lambda m=media_id: media_status(ice, m), lambda s: s not in ("Init", "Preparing"))
    return ids


def _create(ice: Any, built: Built, media: dict[str, str]) -> str:
    from alibabacloud_ice20201109 import models

    request = models.CreateAvatarTrainingJobRequest(
        avatar_name=built.name,
        video=media[built.video] if built.video else None,
        portrait=media["portrait"] if built.portrait else None,
        transparent=built.transparent,
    )
    job_id: str = ice.create_avatar_training_job(request).body.data.job_id
    return job_id


def _status(ice: Any, job_id: str) -> str:
    from tests.helpers import job_of

    return str(job_of(ice, job_id).status)


def _build(sb: Sandbox, videos: dict[str, Path], folder: Path) -> dict[str, str]:
    """Every job of :data:`JOBS`, moved into its state by submitting it and shifting the clock."""
    from alibabacloud_ice20201109 import models

    ice = ice_client(sb)
    bucket = oss_bucket(sb)
    media = _media(ice, bucket, {k: videos[k] for k in ("opaque", "alpha", "short")}, folder)
    ids = {b.name: _create(ice, b, media) for b in JOBS}

    def submit(status: str) -> list[Built]:
        chosen = [b for b in JOBS if b.status == status]
        for b in chosen:
            ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=ids[b.name]))
        return chosen

    clock = sb.clock
    finished = submit("Success") + submit("Fail")
    clock.shift(130)  # type: ignore[attr-defined]  # past Queuing (60 s) and Training (60 s)
    for b in finished:
        assert _status(ice, ids[b.name]) == b.status, b
        if b.later_video:
            update = models.UpdateAvatarTrainingJobRequest(job_id=ids[b.name], video=media[b.later_video])
            ice.update_avatar_training_job(update)
    training = submit("Training")
    clock.shift(200)  # type: ignore[attr-defined]  # 70 s after that submit: Training
    queued = submit("Queuing")
    for b in training + queued:
        assert _status(ice, ids[b.name]) == b.status, b
    return ids


@pytest.fixture(scope="module")
def scenario(
    slow_sandbox: Sandbox, videos: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    for sb in fresh(slow_sandbox):
        ids = _build(sb, videos, tmp_path_factory.mktemp("audit"))
        yield Scenario(sb, ids)


def _audit(scenario: Scenario, tmp_path: Path, **options: Any) -> Audit:
    services = build_services(scenario.sandbox, tmp_path / "cache", retry=FAST_RETRY)
    return audit_jobs(services, AuditOptions(fast_options(), page_size=PAGE, **options))


def _rules(audit: Audit, scenario: Scenario) -> dict[str, tuple[set[str], set[str]]]:
    return {
        scenario.name_of(j.job.job_id): (
            {f.rule for f in j.report.errors},
            {f.rule for f in j.report.warnings},
        )
        for j in audit.jobs
    }


def test_each_job_gets_exactly_the_findings_its_making_implies(scenario: Scenario, tmp_path: Path) -> None:
    scenario.sandbox.requests.clear()
    audit = _audit(scenario, tmp_path)
    found = _rules(audit, scenario)
    assert found == {b.name: (set(b.errors), set(b.warnings)) for b in JOBS}
    states = {scenario.name_of(j.job.job_id): j.job.status for j in audit.jobs}
    assert states == {b.name: b.status for b in JOBS}
    assert [j.report.path for j in audit.jobs] == [f"job:{j.job.job_id}" for j in audit.jobs]
    # eleven jobs, four a page: every page read once, every job read once
    log = scenario.sandbox.requests
    assert log.count("ListAvatarTrainingJobs") == -(-len(JOBS) // PAGE)
    assert log.count("GetAvatarTrainingJob") == len(JOBS)


def test_the_video_is_read_by_ranges_not_downloaded(scenario: Scenario, tmp_path: Path) -> None:
    audit = _audit(scenario, tmp_path)
    probed = [j for j in audit.jobs if j.read is not None]
    assert {scenario.name_of(j.job.job_id) for j in probed} == {
        b.name for b in JOBS if b.video in ("opaque", "alpha", "short")
    }
    for job in probed:
        assert job.read is not None and job.read.bytes_read < job.read.size
        if job.read.size > 1_000_000:  # the 5.5-minute takes; the 20-second one is smaller than a read
            assert job.read.bytes_read < job.read.size / 4


def test_finished_and_training_jobs_say_what_the_finding_means_for_them(
    scenario: Scenario, tmp_path: Path
) -> None:
    audit = _audit(scenario, tmp_path)
    by_name = {scenario.name_of(j.job.job_id): j.report for j in audit.jobs}
    trained = next(f for f in by_name["trained"].findings if f.rule == "transparent-mismatch")
    assert "Success" in trained.message and "--job-id new" in (trained.fix or "")
    training = next(f for f in by_name["traini"].findings if f.rule == "transparent-mismatch")
    assert "Training" in training.message and "training ends" in (training.fix or "")
    mismatch = next(f for f in by_name["mismat"].findings if f.rule == "transparent-mismatch")
    assert f"--job-id {scenario.ids['mismat']} --transparent false" in (mismatch.fix or "")


def test_throttling_while_listing_and_reading_changes_no_verdict(scenario: Scenario, tmp_path: Path) -> None:
    expected = _rules(_audit(scenario, tmp_path), scenario)
    sb = scenario.sandbox
    sb.requests.clear()
    sb.faults.set(throttle_share=0.25, seed=7, services=["ice"])
    try:
        throttled = _audit(scenario, tmp_path, workers=4)
    finally:
        sb.faults.clear()
    assert (
        sb.requests.count("ListAvatarTrainingJobs", ok=False)
        + sb.requests.count("GetAvatarTrainingJob", ok=False)
        > 0
    ), "nothing was throttled"
    assert _rules(throttled, scenario) == expected


# -- the command line ---------------------------------------------------------------------------


def _cli(scenario: Scenario, tmp_path: Path, *args: str) -> Any:
    return run_cli(
        ["jobs", "--audit", "--page-size", str(PAGE), *args], sandbox_env(scenario.sandbox, tmp_path)
    )


def test_every_format_names_each_job(scenario: Scenario, tmp_path: Path) -> None:
    from avatar_preflight_cli.audit import AuditArgs, render
    from validator.formats import Format
    from validator.formats.text import Detail

    audit = _audit(scenario, tmp_path)
    failing = {scenario.ids[b.name] for b in JOBS if b.errors}
    flagged = {scenario.ids[b.name] for b in JOBS if b.errors or b.warnings}
    outputs = {
        fmt: render(audit, AuditArgs((), PAGE, 2, fmt, False, Detail.NORMAL))
        for fmt in (Format.TEXT, Format.JSON, Format.JUNIT, Format.GITHUB, Format.SARIF)
    }
    for fmt, text in outputs.items():
        # GitHub annotations and SARIF results exist for findings only, as for check's files
        for job_id in scenario.ids.values() if fmt in (Format.TEXT, Format.JSON, Format.JUNIT) else flagged:
            assert f"job:{job_id}" in text or f"job%3A{job_id}" in text, (fmt, job_id)
    text = outputs[Format.TEXT]
    assert f"{len(scenario.ids)} jobs checked against" in text
    document = json.loads(outputs[Format.JSON])
    assert {f["path"] for f in document["files"] if not f["passed"]} == {f"job:{i}" for i in failing}
    assert {f["job"]["job_id"]: f["job"]["status"] for f in document["files"]} == {
        scenario.ids[b.name]: b.status for b in JOBS
    }
    cases = ET.fromstring(outputs[Format.JUNIT]).iter("testcase")
    assert {c.get("name") for c in cases if c.find("failure") is not None} == {f"job:{i}" for i in failing}
    results = json.loads(outputs[Format.SARIF])["runs"][0]["results"]
    located = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if r["level"] == "error"
    }
    assert located == {f"job%3A{i}" for i in failing}
    annotated = [line for line in outputs[Format.GITHUB].splitlines() if line.startswith("::error")]
    assert {line.split("file=job%3A", 1)[1][:32] for line in annotated} == failing


def test_the_command_fails_when_a_job_would_fail(scenario: Scenario, tmp_path: Path) -> None:
    done = _cli(scenario, tmp_path, "--format", "junit")
    assert done.returncode == 1, done.stderr
    names = {c.get("name") for c in ET.fromstring(done.stdout).iter("testcase")}
    assert names == {f"job:{i}" for i in scenario.ids.values()}


def test_clean_states_exit_0_and_strict_counts_the_warning(scenario: Scenario, tmp_path: Path) -> None:
    # the Queuing job is clean; the Success job has only a warning (its mismatch cannot be changed)
    done = _cli(scenario, tmp_path, "--status", "Queuing", "--status", "Success", "-f", "json")
    assert done.returncode == 0, done.stderr
    listed = {f["path"] for f in json.loads(done.stdout)["files"]}
    assert listed == {f"job:{scenario.ids[n]}" for n in ("queued", "trained")}
    strict = _cli(scenario, tmp_path, "--status", "Success", "--strict", "-q")
    assert strict.returncode == 1 and scenario.ids["trained"] in strict.stdout


def test_a_refused_listing_is_exit_4_in_one_line(scenario: Scenario, tmp_path: Path) -> None:
    done = run_cli(["jobs", "--audit", "--status", "Sleeping"], sandbox_env(scenario.sandbox, tmp_path))
    assert done.returncode == 4
    lines = [line for line in done.stderr.splitlines() if line.startswith("avatar-preflight:")]
    assert len(lines) == 1 and "ListAvatarTrainingJobs" in lines[0] and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_without_credentials_exit_3_before_any_request(scenario: Scenario, tmp_path: Path) -> None:
    scenario.sandbox.requests.clear()
    env = sandbox_env(scenario.sandbox, tmp_path)
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        env.pop(name)
    done = run_cli(["jobs", "--audit"], env)
    assert done.returncode == 3, done.stderr
    assert scenario.sandbox.requests.count("ListAvatarTrainingJobs", ok=None) == 0


def test_options_that_need_an_audit_or_exclude_it_are_usage_errors() -> None:
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()
    nowhere = ["--endpoint", "127.0.0.1:9"]  # refused before any request: nothing listens there
    for argv in (
        ["jobs", "--format", "junit"],
        ["jobs", "--strict"],
        ["jobs", "--status", "Init", "--status", "Fail"],
        ["jobs", "--audit", "--page", "2"],
    ):
        done = runner.invoke(app, [*argv, *nowhere])
        assert done.exit_code == 2, (argv, done.output)
