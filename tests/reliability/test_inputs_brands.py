"""Camera files are MP4: an ISO base media file is judged by its compatible brands when its major
brand is a maker's own, and its container is never named by FFmpeg's list of demuxers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability._inputs_media import tiny_video, with_brands
from validator import check_file
from validator.probe.brands import ISOBMFF

DEVICES = [
    # (who writes it, major brand, compatible brands, the family those brands claim)
    ("Sony XAVC S camera", "XAVC", ["XAVC", "mp42", "iso2"], "mp4"),
    ("Canon EOS camera", "CAEP", ["CAEP", "mp42", "isom"], "mp4"),
    ("Sony Handycam/PSP", "MSNV", ["MSNV", "mp42", "isom"], "mp4"),
    ("maker brand, ISO only", "pana", ["pana", "iso4"], "mp4"),
    ("GoPro HERO", "mp41", ["mp41"], "mp4"),
    ("older GoPro", "avc1", ["avc1", "isom"], "mp4"),
    ("DJI drone", "isom", ["isom", "iso2", "avc1", "mp41"], "mp4"),
    ("Android phone", "mp42", ["isom", "mp42"], "mp4"),
    ("iPhone", "qt  ", ["qt  "], "mov"),
    ("maker brand over QuickTime", "niko", ["niko", "qt  "], "mov"),
    ("3GPP phone", "3gp4", ["isom", "3gp4"], "3gp"),
    ("maker brand, nothing standard", "ABCD", ["ABCD", "EFGH"], ISOBMFF),
]


@pytest.fixture(scope="module")
def mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_video(tmp_path_factory.mktemp("brands") / "plain.mp4")


@pytest.mark.parametrize(("device", "major", "compatible", "family"), DEVICES, ids=[d[0] for d in DEVICES])
def test_the_brands_decide_the_container(
    device: str, major: str, compatible: list[str], family: str, mp4: Path, tmp_path: Path
) -> None:
    path = with_brands(mp4, tmp_path / "C0001.MP4", major, compatible)
    report = check_file(path)
    assert report.facts is not None and report.facts.brand == major
    assert report.facts.container == family
    rules = {f.rule for f in report.findings}
    assert ("container-format" in rules) == (family not in ("mp4", "mov"))
    assert ("extension-mismatch" in rules) == (family not in ("mp4", ISOBMFF))
    for finding in report.findings:
        assert "mov,mp4" not in finding.message, finding.message


def test_an_unknown_iso_file_is_named_by_its_brand(mp4: Path, tmp_path: Path) -> None:
    path = with_brands(mp4, tmp_path / "odd.mp4", "ABCD", ["ABCD"])
    (finding,) = [f for f in check_file(path).findings if f.rule == "container-format"]
    assert "'ABCD'" in finding.message and "ISO base media" in finding.message
    assert finding.fix is not None and "ffmpeg" in finding.fix
