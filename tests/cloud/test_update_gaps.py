"""``update`` paths beyond the happy one: a portrait file end to end, Transparent checked against the
job's current video, the service reading the file differently (``media-mismatch``), and a run that
nobody can confirm."""

from __future__ import annotations

import dataclasses
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.helpers import (
    build_services,
    create_job,
    fast_options,
    ice_client,
    job_of,
    oss_bucket,
    register_video,
)
from validator.cloud.events import Outcome
from validator.cloud.flow import run_update
from validator.cloud.params import UpdateParams
from validator.sandbox import ProbeOutcome, Sandbox, SandboxConfig
from validator.sandbox.probe import project_probe


def png(path: Path, width: int, height: int) -> Path:
    """A real (tiny) RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def _job(sb: Sandbox, **fields: object) -> str:
    return create_job(sb, avatar_name="g", **fields)


def test_square_portrait_is_uploaded_registered_as_an_image_and_sent(
    sandbox: Sandbox, tmp_path: Path, cache_dir: Path
) -> None:
    job_id = _job(sandbox)
    services = build_services(sandbox, cache_dir)
    result = run_update(
        UpdateParams(job_id, portrait=str(png(tmp_path / "face.png", 64, 64))),
        lambda: services,
        fast_options(),
    )
    assert result.outcome is Outcome.DONE, result.problems
    register = next(r for r in result.requests if r.action == "RegisterMediaInfo")
    assert register.params["MediaType"] == "image"
    media_id = result.media[0].media_id
    assert result.requests[-1].params == {"JobId": job_id, "Portrait": media_id}
    assert job_of(ice_client(sandbox), job_id).portrait == media_id
    view = services.ice.get_media(media_id or "")
    assert (view.status, view.width, view.height, view.format_name) == ("Normal", 64, 64, "png")
    assert view.codec is None  # judged as an image, not by the video rules


def test_non_square_portrait_is_refused_before_any_upload(tmp_path: Path) -> None:
    portrait = png(tmp_path / "wide.png", 64, 48)
    result = CliRunner().invoke(
        app, ["update", "--job-id", "j" * 32, "--portrait", str(portrait), "--endpoint", "127.0.0.1:9"]
    )
    assert result.exit_code == 1, result.output
    assert "[portrait-square]" in result.stdout and "64x48" in result.stdout


def test_sandbox_refuses_a_non_image_registered_as_image(sandbox: Sandbox, cache_dir: Path) -> None:
    from alibabacloud_ice20201109 import models

    from tests.helpers import media_status, wait_until

    ice = ice_client(sandbox)
    oss_bucket(sandbox).put_object("faces/not.png", b"GIF89a not a png")
    media_id = ice.register_media_info(
        models.RegisterMediaInfoRequest(input_url="oss://sandbox-tests/faces/not.png", media_type="image")
    ).body.media_id
    assert wait_until(lambda: media_status(ice, media_id), lambda s: s != "Preparing") == "PrepareFail"


def _job_with_video(sb: Sandbox, video: Path, transparent: bool) -> str:
    media_id = register_video(ice_client(sb), oss_bucket(sb), video)
    return _job(sb, video=media_id, transparent=transparent)


@pytest.mark.parametrize(
    ("video", "current", "params", "refused"),
    [
        ("alpha", True, dict(transparent=False), True),  # declared false, the video has alpha
        ("opaque", False, dict(transparent=True), True),  # declared true, the video is opaque
        ("alpha", False, dict(submit=True), True),  # the job's own flag contradicts its video
        ("alpha", True, dict(transparent=True, submit=True), False),
    ],
)
def test_transparent_without_a_new_video_is_checked_against_the_current_one(
    sandbox: Sandbox,
    videos: dict[str, Path],
    cache_dir: Path,
    video: str,
    current: bool,
    params: dict[str, object],
    refused: bool,
) -> None:
    job_id = _job_with_video(sandbox, videos[video], current)
    services = build_services(sandbox, cache_dir)
    result = run_update(UpdateParams(job_id, **params), lambda: services, fast_options())  # type: ignore[arg-type]
    calls = services.ice.calls  # type: ignore[attr-defined]
    if refused:
        assert result.outcome is Outcome.REFUSED
        assert [p.rule for p in result.problems] == ["transparent-mismatch"]
        assert "current video" in result.problems[0].message
        assert "UpdateAvatarTrainingJob" not in calls and "SubmitAvatarTrainingJob" not in calls
    else:
        assert result.outcome is Outcome.DONE, result.problems
    remote = result.media[0].remote
    assert remote is not None and remote.bytes_read < videos[video].stat().st_size  # headers only


@pytest.fixture
def lying_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox whose media preparation reads every video 2 px narrower than it is."""

    def narrower(path: Path, transparent: bool | None) -> ProbeOutcome:
        outcome = project_probe(path, transparent)
        if outcome.facts is None or outcome.facts.video is None or transparent is not None:
            return outcome
        video = outcome.facts.video
        changed = dataclasses.replace(video, width=(video.width or 0) - 2)
        return ProbeOutcome(dataclasses.replace(outcome.facts, video=changed), outcome.problems)

    config = SandboxConfig(data_dir=tmp_path / "lying", prepare_seconds=0.05)
    with Sandbox(config, probe=narrower) as sb:
        yield sb


def test_service_reading_the_file_differently_stops_the_update(
    lying_sandbox: Sandbox, videos: dict[str, Path], cache_dir: Path
) -> None:
    job_id = _job(lying_sandbox)
    services = build_services(lying_sandbox, cache_dir)
    result = run_update(UpdateParams(job_id, video=str(videos["opaque"])), lambda: services, fast_options())
    assert result.outcome is Outcome.REFUSED
    assert [(p.rule, p.expected, p.actual) for p in result.problems] == [("media-mismatch", "1920", "1918")]
    assert [r.action for r in result.requests][-1] == "RegisterMediaInfo"  # nothing after it
    assert lying_sandbox.requests.count("UpdateAvatarTrainingJob") == 0
    assert job_of(ice_client(lying_sandbox), job_id).video is None


def test_no_confirmation_possible_without_a_terminal(sandbox: Sandbox, tmp_path: Path) -> None:
    """stdin is not a terminal and --yes was not given: the requests are listed, none is sent, exit 1."""
    from tests.helpers import run_cli, sandbox_env

    job_id = _job(sandbox)
    done = run_cli(["update", "--job-id", job_id, "--name", "nope"], sandbox_env(sandbox, tmp_path))
    assert done.returncode == 1, done.stderr
    assert f"ICE UpdateAvatarTrainingJob JobId={job_id} AvatarName=nope" in done.stderr
    assert "Pass --yes" in done.stderr
    assert done.stdout.startswith("cancelled: nothing was sent")
    assert sandbox.requests.count("UpdateAvatarTrainingJob", ok=None) == 0
    assert job_of(ice_client(sandbox), job_id).avatar_name == "g"
