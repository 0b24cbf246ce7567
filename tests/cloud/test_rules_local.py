"""The pure parts of ``update``: parameter rules, portrait headers, job-state rules, settings,
credential redaction."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from validator.cloud.credentials import Credentials, static
from validator.cloud.errors import ConfigError
from validator.cloud.images import portrait_problems
from validator.cloud.jobs import JobView
from validator.cloud.jobstate import Wanted, plan_update
from validator.cloud.params import RefKind, UpdateParams, check_params
from validator.cloud.settings import resolve
from validator.imageinfo import read_image_info

REGION = "cn-shanghai"


def rules(params: UpdateParams) -> list[str]:
    return [p.rule for p in check_params(params, REGION).problems]


def test_name_counts_characters_not_bytes() -> None:
    assert rules(UpdateParams("j", name="数字人小助手七")) == []  # 7 characters, 21 bytes
    assert rules(UpdateParams("j", name="abcdefgh")) == ["param-avatar-name"]
    assert rules(UpdateParams("j", name="")) == ["param-avatar-name"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png", True),
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.JPG", True),
        ("http://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.png", False),  # not https
        ("https://thumbs.oss-cn-beijing.aliyuncs.com/a/t.png", False),  # another region
        ("https://thumbs.oss-cn-shanghai-internal.aliyuncs.com/t.png", False),  # not public
        ("https://example.com/t.png", False),
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/a/t.txt", False),
        ("https://thumbs.oss-cn-shanghai.aliyuncs.com/" + "a" * 500 + ".png", False),
    ],
)
def test_thumbnail(url: str, ok: bool) -> None:
    assert (rules(UpdateParams("j", thumbnail=url)) == []) is ok


def test_media_references(tmp_path: Path) -> None:
    local = tmp_path / "v.mp4"
    local.write_bytes(b"x")
    checked = check_params(UpdateParams("j", video=str(local), portrait="a" * 32), REGION)
    assert checked.problems == ()
    assert checked.video is not None and checked.video.kind is RefKind.FILE
    assert checked.portrait is not None and checked.portrait.kind is RefKind.MEDIA_ID
    oss = check_params(UpdateParams("j", video="oss://b-1/k/v.mp4"), REGION).video
    assert oss is not None and (oss.kind, oss.bucket, oss.key) == (RefKind.OSS, "b-1", "k/v.mp4")
    assert rules(UpdateParams("j", video="a" * 31)) == ["param-media-id"]
    assert rules(UpdateParams("j", video="a" * 32 + "\n")) == ["param-media-id"]  # sent on to ICE, else
    assert rules(UpdateParams("j", video="https://example.com/v.mp4")) == ["param-video"]
    assert rules(UpdateParams("j", video="https://b1.oss-cn-beijing.aliyuncs.com/v.mp4")) == ["param-video"]


def test_job_id_and_nothing_to_do() -> None:
    assert rules(UpdateParams(" ", name="x")) == ["param-job-id"]
    assert rules(UpdateParams("j")) == ["param-nothing-to-do"]
    assert rules(UpdateParams("j", submit=True)) == []
    assert rules(UpdateParams("new")) == ["param-avatar-name"]


def _png(path: Path, width: int, height: int) -> Path:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )
    return path


def _jpeg(path: Path, width: int, height: int) -> Path:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    path.write_bytes(b"\xff\xd8" + app0 + sof + b"\xff\xd9")
    return path


def test_portrait_must_be_a_square_jpeg_or_png(tmp_path: Path) -> None:
    assert read_image_info(_jpeg(tmp_path / "a.jpg", 640, 480)) is not None
    assert portrait_problems(_png(tmp_path / "ok.png", 512, 512)) == []
    assert portrait_problems(_jpeg(tmp_path / "ok.jpg", 800, 800)) == []
    assert [p.rule for p in portrait_problems(_jpeg(tmp_path / "wide.jpg", 800, 600))] == ["portrait-square"]
    (tmp_path / "x.gif").write_bytes(b"GIF89a....")
    assert [p.rule for p in portrait_problems(tmp_path / "x.gif")] == ["portrait-format"]


def job(status: str, **fields: object) -> JobView:
    return JobView("j", status, **fields)  # type: ignore[arg-type]


def test_only_changed_fields_are_sent() -> None:
    plan = plan_update(
        job("Init", avatar_name="a", transparent=False, video="v" * 32),
        Wanted(name="a", description="d", video="v" * 32, video_alpha=False),
    )
    assert plan.fields == {"AvatarDescription": "d"}


@pytest.mark.parametrize(
    ("status", "wanted", "rule"),
    [
        ("Queuing", Wanted(declared_transparent=True), "job-state-transparent"),
        ("Success", Wanted(declared_transparent=True), "job-state-transparent"),
        ("Training", Wanted(video="n" * 32, video_alpha=False), "job-state-video"),
        ("Queuing", Wanted(video="n" * 32, video_alpha=False), "job-state-video"),
        ("Success", Wanted(thumbnail="https://b1.oss-cn-shanghai.aliyuncs.com/t.png"), "job-state-thumbnail"),
        ("Success", Wanted(video="n" * 32, video_alpha=True), "job-state-transparent"),
    ],
)
def test_job_state_refusals(status: str, wanted: Wanted, rule: str) -> None:
    plan = plan_update(job(status, transparent=False, video="o" * 32), wanted)
    assert rule in [p.rule for p in plan.problems]
    assert plan.fields == {}


def test_transparent_follows_the_new_video_while_editable() -> None:
    plan = plan_update(job("Fail", transparent=False), Wanted(video="n" * 32, video_alpha=True))
    assert plan.fields == {"Video": "n" * 32, "Transparent": True}
    same = plan_update(job("Success", transparent=True), Wanted(video="n" * 32, video_alpha=True))
    assert same.fields == {"Video": "n" * 32}  # allowed: the flag in force already matches
    unknown = plan_update(job("Init"), Wanted(video="n" * 32))  # no alpha evidence: flag left alone
    assert unknown.fields == {"Video": "n" * 32}


def test_settings_precedence_and_sources(tmp_path: Path) -> None:
    (tmp_path / "avatar-preflight.toml").write_text(
        'region = "cn-beijing"\nbucket = "from-file"\noss-endpoint = "http://127.0.0.1:1"\n', encoding="utf-8"
    )
    settings = resolve(
        {"bucket": "from-option"}, environ={"AVATAR_PREFLIGHT_PREFIX": "env/p"}, start=tmp_path
    )
    assert settings.bucket.value == "from-option" and settings.bucket.source == "--bucket"
    assert settings.region.value == "cn-beijing" and settings.region.source.endswith("avatar-preflight.toml")
    assert settings.endpoint.value == "ice.cn-beijing.aliyuncs.com"
    assert settings.prefix.value == "env/p/" and settings.prefix.source == "env AVATAR_PREFLIGHT_PREFIX"
    assert settings.oss_endpoint.value == "http://127.0.0.1:1"
    assert settings.ice_protocol == "https"
    assert resolve({"endpoint": "127.0.0.1:5"}, environ={}, start=tmp_path).ice_protocol == "http"


def test_broken_settings_file_is_an_environment_error(tmp_path: Path) -> None:
    (tmp_path / "avatar-preflight.toml").write_text("region = ", encoding="utf-8")
    with pytest.raises(ConfigError):
        resolve({}, environ={}, start=tmp_path)


def test_secrets_never_show_in_reprs() -> None:
    secret = "S3cr3t-value-that-must-not-leak"
    creds = Credentials("LTAI5tABCDEFG", secret, "token-xyz")
    assert secret not in repr(creds) and "token-xyz" not in repr(creds) and secret not in str(creds)
    assert secret not in repr(static("LTAI5tABCDEFG", secret))
