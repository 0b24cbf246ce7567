"""RegisterMediaInfo and GetMediaInfo, with media prepared by the project's own probe."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_ice20201109 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from tests.helpers import TEST_BUCKET as BUCKET
from tests.helpers import media_status, register_video, wait_until
from validator.sandbox import Sandbox


def _info(ice: Any, media_id: str) -> Any:
    return ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.media_info


def _register(ice: Any, url: str, **extra: Any) -> str:
    request = models.RegisterMediaInfoRequest(input_url=url, media_type="video", **extra)
    return str(ice.register_media_info(request).body.media_id)


def test_preparing_then_normal_with_string_facts(
    ice: Any, bucket: Any, videos: dict[str, Path]
) -> None:
    bucket.put_object_from_file("v/opaque.mp4", str(videos["opaque"]))
    media_id = _register(ice, f"oss://{BUCKET}/v/opaque.mp4", title="demo")
    assert len(media_id) == 32
    assert media_status(ice, media_id) == "Preparing"
    wait_until(lambda: media_status(ice, media_id), lambda s: s == "Normal")

    info = _info(ice, media_id)
    assert info.media_basic_info.title == "demo"
    (file_info,) = info.file_info_list
    basic = file_info.file_basic_info
    assert basic.width == "1920" and basic.height == "1080"
    assert basic.file_size == str(videos["opaque"].stat().st_size)
    assert float(basic.duration) == pytest.approx(330, abs=0.2)
    assert basic.file_url == f"https://{BUCKET}.oss-cn-shanghai.aliyuncs.com/v/opaque.mp4"
    (video,) = file_info.video_stream_info_list
    assert video.codec_name == "h264" and video.pix_fmt == "yuv420p"
    assert (video.width, video.height, video.rotate) == ("1920", "1080", "0")
    raw = ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.to_map()
    values = raw["MediaInfo"]["FileInfoList"][0]["FileBasicInfo"].values()
    assert all(isinstance(v, str) for v in values)  # every value a string, as the service sends


def test_https_url_and_lookup_by_url(ice: Any, bucket: Any) -> None:
    bucket.put_object("v/a b.txt", b"not a video")
    url = f"https://{BUCKET}.oss-cn-shanghai.aliyuncs.com/v/a%20b.txt"
    media_id = _register(ice, url)
    found = ice.get_media_info(models.GetMediaInfoRequest(input_url=url)).body.media_info
    assert found.media_id == media_id


def test_unreadable_or_missing_file_fails_preparing(ice: Any, bucket: Any) -> None:
    bucket.put_object("v/garbage.mp4", b"\x00garbage" * 1000)
    garbage = _register(ice, f"oss://{BUCKET}/v/garbage.mp4")
    missing = _register(ice, f"oss://{BUCKET}/v/never-uploaded.mp4")
    for media_id in (garbage, missing):
        status = wait_until(functools.partial(media_status, ice, media_id),
                            lambda s: s != "Preparing")
        assert status == "PrepareFail"
        assert _info(ice, media_id).file_info_list == []


def test_client_token_is_idempotent(ice: Any, bucket: Any) -> None:
    bucket.put_object("v/x.bin", b"x")
    token = "0123456789abcdef0123456789abcdef"
    first = _register(ice, f"oss://{BUCKET}/v/x.bin", client_token=token)
    again = _register(ice, f"oss://{BUCKET}/v/x.bin", client_token=token)
    assert first == again


def test_foreign_url_and_unknown_media(ice: Any) -> None:
    with pytest.raises(ClientException) as foreign:
        _register(ice, "https://example.com/video.mp4")
    assert (foreign.value.status_code, foreign.value.code) == (400, "InvalidParameter.InputURL")
    with pytest.raises(ClientException) as unknown:
        _info(ice, "f" * 32)
    assert unknown.value.status_code == 404


def test_register_video_helper(sandbox: Sandbox, ice: Any, bucket: Any,
                               videos: dict[str, Path]) -> None:
    media_id = register_video(ice, bucket, videos["alpha"])
    (video,) = _info(ice, media_id).file_info_list[0].video_stream_info_list
    assert video.codec_name == "vp9"
