"""``fix``: every failing sample that can be fixed comes out passing ``check``, alpha kept where it was.

Encoding minutes of 1080p is slow, so most inputs here are a few seconds long and are judged against a
lenient profile (``min-duration = 1``, ``max-duration = 10``) with ``--draft`` encoder settings; two
realistic 5.5-minute samples are fixed with the default profile, by stream copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from samples.generate import VideoSpec, generate
from tests.test_cli import run
from validator import check_file
from validator.conform import Options, plan_fix, run_fix
from validator.conform.progress import seconds_written
from validator.errors import UsageError
from validator.profile import Profile
from validator.rules.checks import conform_recipe

LENIENT = Profile(name="lenient", min_duration=1.0, max_duration=10.0)
SHORT = dict(container="mp4", duration=4.0, audio_duration=4.0)


@dataclass(frozen=True)
class FixCase:
    spec: VideoSpec
    source_errors: frozenset[str]
    """What ``check`` says about the input (errors and warnings that a fix must remove)."""
    output: str
    """Output file name: its extension chooses the container."""
    expect: dict[str, Any] = field(default_factory=dict)
    """Facts of the output: ``width``, ``height``, ``duration``, ``codec``."""
    options: Options = field(default_factory=lambda: Options(draft=True))


CASES = {
    "720p": FixCase(
        VideoSpec(**SHORT, width=1280, height=720),
        frozenset({"resolution"}),
        "out.mp4",
        {"width": 1920, "height": 1080, "codec": "h264"},
    ),
    "rotated-small": FixCase(
        VideoSpec(**SHORT, width=1280, height=720, rotation=270),
        frozenset({"resolution", "rotation"}),
        "out.mp4",
        {"width": 1080, "height": 1920, "rotation": 0},
    ),
    "anamorphic": FixCase(
        VideoSpec(**SHORT, sar=(4, 3)), frozenset({"pixel-aspect"}), "out.mp4", {"width": 1920, "sar": None}
    ),
    "vfr": FixCase(
        VideoSpec(**{**SHORT, "fps": 30}, variable_fps=True), frozenset({"frame-rate-variable"}), "out.mp4"
    ),
    "too-long": FixCase(
        VideoSpec(container="mp4", duration=12.0, audio_duration=12.0),
        frozenset({"duration-range"}),
        "out.mp4",
        {"duration": 10.0},
    ),
    "crop-4x3": FixCase(
        VideoSpec(**SHORT, width=1440, height=1080),
        frozenset({"resolution"}),
        "out.mp4",
        {"width": 1920, "height": 1080},
        Options(crop=True, draft=True),
    ),
    "prores-alpha-720p": FixCase(
        VideoSpec("mov", "prores", 1280, 720, duration=2.0, fps=10, alpha=True, audio_duration=2.0),
        frozenset({"resolution"}),
        "out.mov",
        {"width": 1920, "codec": "prores", "alpha": True},
    ),
    "vp9-alpha-720p": FixCase(
        VideoSpec("webm", "vp9", 1280, 720, duration=2.0, alpha=True, audio_duration=2.0),
        frozenset({"resolution"}),
        "out.webm",
        {"width": 1920, "codec": "vp9", "alpha": True},
    ),
    "mkv-named-webm": FixCase(
        VideoSpec("mkv", "vp9", duration=4.0, audio_duration=4.0),
        frozenset({"container-format", "extension-mismatch"}),
        "out.webm",
        {"codec": "vp9"},
    ),
    "alpha-dropped": FixCase(
        VideoSpec("mov", "prores", 1280, 720, duration=1.0, fps=10, alpha=True),
        frozenset({"resolution"}),
        "out.mp4",
        {"codec": "h264", "alpha": False},
        Options(drop_alpha=True, draft=True),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_makes_the_sample_pass(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    source = tmp_path / f"in-{name}.{ {'mkv': 'webm'}.get(case.spec.container, case.spec.container) }"
    generate(case.spec, source)
    before = check_file(source, profile=LENIENT)
    assert case.source_errors <= {f.rule for f in before.findings}

    seen: list[float] = []
    plan = plan_fix(source, tmp_path / case.output, profile=LENIENT, options=case.options)
    result = run_fix(plan, on_progress=seen.append)

    assert result.error is None and result.output is not None
    after = result.output
    assert result.passed, [f.message for f in after.findings]
    assert not case.source_errors & {f.rule for f in after.findings}
    assert seen and seen == sorted(seen)
    facts = after.facts
    assert facts is not None and facts.video is not None
    video = facts.video
    for key, value in case.expect.items():
        if key == "alpha":
            assert after.transparent is value
            assert result.alpha_kept is bool(value)
        elif key == "sar":
            assert video.sample_aspect_ratio in (None, 1)
        elif key in ("width", "height"):
            assert getattr(video, f"display_{key}") == value
        else:
            assert getattr(video, key) == value, key
    if case.expect.get("alpha"):
        # The alpha content survives, not just the flag: decode and find transparent pixels.
        deep = check_file(tmp_path / case.output, profile=LENIENT, deep=True).facts
        assert deep is not None and deep.alpha.deep is not None
        assert (deep.alpha.deep.transparent_share or 0) > 0.3


def test_fix_and_check_agree_on_the_command(media: Callable[[str], Path], tmp_path: Path) -> None:
    report = check_file(media("res_720p"))
    assert report.facts is not None
    printed = conform_recipe(report.facts, Profile())
    plan = plan_fix(media("res_720p"), tmp_path / "fixed.mp4")
    assert printed is not None and plan.recipe is not None
    assert printed.filters == plan.recipe.filters and printed.options == plan.recipe.options
    assert report.conform == printed.command()


@pytest.mark.parametrize(("name", "output"), [("moov_end", "fixed.mp4"), ("mkv_named_webm", "fixed.webm")])
def test_realistic_samples_are_fixed_by_stream_copy(
    name: str, output: str, media: Callable[[str], Path], tmp_path: Path
) -> None:
    result = run("fix", str(media(name)), str(tmp_path / output))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passes" in result.stdout
    after = check_file(tmp_path / output)
    assert after.findings == () and after.facts is not None
    assert after.facts.video is not None and after.facts.video.duration == pytest.approx(330.0, abs=0.05)


def test_too_short_is_refused_without_encoding(media: Callable[[str], Path], tmp_path: Path) -> None:
    result = run("fix", str(media("dur_299_9")), str(tmp_path / "out.mp4"))
    assert result.returncode == 1
    assert "cannot be fixed" in result.stderr and "longer take" in result.stderr
    assert not (tmp_path / "out.mp4").exists()


def test_dry_run_prints_the_command_and_writes_nothing(media: Callable[[str], Path], tmp_path: Path) -> None:
    result = run("fix", "--dry-run", "--crop", str(media("res_720p")), str(tmp_path / "out.mp4"))
    assert result.returncode == 0, result.stderr
    assert "ffmpeg" in result.stdout and "force_original_aspect_ratio=increase" in result.stdout
    assert "crop=1920:1080" in result.stdout and "libx264" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_dry_run_of_a_passing_file_says_there_is_nothing_to_do(
    media: Callable[[str], Path], tmp_path: Path
) -> None:
    result = run("fix", "--dry-run", str(media("landscape")), str(tmp_path / "out.mp4"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{media('landscape')}: nothing to do, it already passes the check\n"
    assert "ffmpeg" not in result.stdout + result.stderr and list(tmp_path.iterdir()) == []


def test_usage_errors(media: Callable[[str], Path], tmp_path: Path) -> None:
    alpha = str(media("prores_alpha"))
    into_mp4 = run("fix", alpha, str(tmp_path / "out.mp4"))
    assert into_mp4.returncode == 2 and "alpha" in into_mp4.stderr
    assert run("fix", alpha, str(tmp_path / "out.avi")).returncode == 2
    exists = tmp_path / "there.mov"
    exists.write_bytes(b"")
    assert run("fix", alpha, str(exists)).returncode == 2
    assert run("fix", str(tmp_path / "missing.mp4"), str(tmp_path / "o.mp4")).returncode == 2
    with pytest.raises(UsageError):
        plan_fix(alpha, alpha, options=Options(overwrite=True))


def test_no_ffmpeg_exits_3(media: Callable[[str], Path], tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg")}
    result = subprocess.run(
        [sys.executable, "-m", "validator", "fix", str(media("moov_end")), str(tmp_path / "o.mp4")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 3 and "ffmpeg" in result.stderr
    assert not (tmp_path / "o.mp4").exists()


def test_progress_lines_become_seconds() -> None:
    lines = [
        "frame=1\n",
        "out_time_us=N/A\n",
        "progress=continue\n",
        "out_time_us=1500000\n",
        "progress=end\n",
    ]
    seen: list[float] = []
    assert seconds_written(lines, seen.append) == 1.5
    assert seen == [0.0, 1.5]


def test_check_does_not_import_ffmpeg_python(media: Callable[[str], Path]) -> None:
    code = (
        "import sys, cli\n"
        "try:\n    cli.app(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('ffmpeg' in sys.modules, 'imageio_ffmpeg' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(media("landscape"))], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().endswith("False False"), result.stdout + result.stderr
