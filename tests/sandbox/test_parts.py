"""Pure pieces of the sandbox, checked directly: ranges, CRC-64, URLs, canonical forms."""

from __future__ import annotations

import os
from pathlib import Path

import oss2
import pytest

from validator.crc64 import Crc64, crc64_of_file
from validator.sandbox.acs3 import canonical_query
from validator.sandbox.config import is_loopback
from validator.sandbox.errors import ApiError, OssError
from validator.sandbox.media import is_public_oss_url, parse_input_url
from validator.sandbox.oss import _parse_range
from validator.sandbox.oss_auth import v4_encode


@pytest.mark.parametrize(("header", "expected"), [
    ("", None),
    ("bytes=0-9", (0, 9)),
    ("bytes=5-", (5, 99)),
    ("bytes=-10", (90, 99)),
    ("bytes=-500", (0, 99)),
    ("bytes=90-500", (90, 99)),
    ("bytes=9-3", None),          # malformed: ignored, as OSS does
    ("bytes=0-1,5-6", None),      # several ranges: the whole object
    ("items=0-1", None),
])
def test_ranges(header: str, expected: tuple[int, int] | None) -> None:
    assert _parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(OssError) as info:
        _parse_range(header, 100)
    assert info.value.status == 416


def test_crc64_matches_oss2_in_chunks(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 7)
    path = tmp_path / "f"
    path.write_bytes(data)
    reference = oss2.utils.Crc64()
    reference.update(data)
    running = Crc64()
    for start in range(0, len(data), 65536):
        running.update(data[start:start + 65536])
    assert running.value == reference.crc == crc64_of_file(path)


def test_input_urls() -> None:
    assert parse_input_url("oss://b-1/a/b.mp4") == ("b-1", "a/b.mp4")
    assert parse_input_url("https://b-1.oss-cn-beijing.aliyuncs.com/a%20b.mp4") == \
        ("b-1", "a b.mp4")
    assert parse_input_url("https://b-1.oss-cn-beijing-internal.aliyuncs.com/k") == ("b-1", "k")
    for bad in ("https://example.com/k", "ftp://b/k", "oss://bucket-only", "oss:///k"):
        with pytest.raises(ApiError):
            parse_input_url(bad)
    assert is_public_oss_url("https://b-1.oss-cn-shanghai.aliyuncs.com/t.png")
    assert not is_public_oss_url("oss://b-1/t.png")
    assert not is_public_oss_url("https://b-1.oss-cn-shanghai.aliyuncs.com/")


def test_canonical_forms() -> None:
    # Form encoding on the wire ('+' for a space) is decoded, then re-encoded with only '~' safe.
    assert canonical_query("b=x+y&a=%2F~&c=") == "a=%2F~&b=x%20y&c="
    assert v4_encode("/bucket/a b/ü~", keep_slash=True) == "/bucket/a%20b/%C3%BC~"
    assert v4_encode("a/b", keep_slash=False) == "a%2Fb"


def test_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.10", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "example.com", "::"]))
