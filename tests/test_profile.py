"""Profiles are data: TOML files and pyproject sections override thresholds and severities."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from validator import Severity
from validator.errors import ProfileError
from validator.profile import Profile, discover, load


def test_default_profile_is_the_ice_rules() -> None:
    p = Profile()
    assert p.name == "ice-avatar-training"
    assert (p.min_duration, p.max_duration) == (300.0, 900.0)
    assert set(p.resolutions) == {(1920, 1080), (1080, 1920)}
    assert set(p.containers) == {"mp4", "mov", "webm"}


def test_toml_file_overrides(tmp_path: Path) -> None:
    f = tmp_path / "studio.toml"
    f.write_text(
        'name = "studio"\nmin-duration = 240\nresolutions = ["3840x2160"]\n'
        '[severity]\naudio-missing = "off"\nrotation = "error"\n'
    )
    p = load(f)
    assert p.name == "studio" and p.min_duration == 240.0 and p.resolutions == ((3840, 2160),)
    assert p.severity("audio-missing") is None and p.severity("rotation") is Severity.ERROR
    assert p.severity("resolution") is Severity.ERROR


def test_pyproject_section_is_discovered_from_subfolders(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.avatar-preflight]\nmax_duration = 600\nregion = "cn-shanghai"\n'
    )
    sub = tmp_path / "videos" / "raw"
    sub.mkdir(parents=True)
    assert discover(sub).max_duration == 600.0


def test_own_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.avatar-preflight]\nmax_duration = 600\n")
    (tmp_path / "avatar-preflight.toml").write_text("max_duration = 700\n")
    assert discover(tmp_path).max_duration == 700.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("min_duration = 'long'\n", "min_duration"),
        ("colour = 1\n", "unknown profile key"),
        ("[severity]\nno-such-rule = 'error'\n", "no-such-rule"),
        ("[severity]\nrotation = 'fatal'\n", "fatal"),
        ("min_duration = 1000\n", "min_duration"),
        ("this is = not toml [\n", "invalid TOML"),
    ],
)
def test_bad_profiles_are_rejected_with_the_reason(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ProfileError, match=needle):
        load(f)


def test_every_profile_key_is_type_checked(tmp_path: Path) -> None:
    """Table-driven: a field added to the profile is checked the moment it exists."""
    from dataclasses import fields

    for field in fields(Profile):
        if field.name == "severities":
            continue
        for wrong in ('"text"', "[1, 2]", "{ a = 1 }"):
            f = tmp_path / "bad.toml"
            f.write_text(f"{field.name.replace('_', '-')} = {wrong}\n")
            if field.name == "name" and wrong == '"text"':
                continue  # the one field a string is right for
            key = field.name.replace("_", "-")
            # a table of thresholds (audio) takes the table and names the key inside it that is wrong
            expected = rf"(bad value for '{key}'|unknown profile key '{key}\.a')"
            with pytest.raises(ProfileError, match=f"{f}, line 1: {expected}"):
                load(f)


@dataclass(frozen=True, slots=True)
class _Thresholds:
    level: float = -23.0
    windows: int = 3

    def __post_init__(self) -> None:
        if self.windows < 1:
            raise ProfileError("windows must be at least 1")


@dataclass(frozen=True, slots=True)
class _WithTable:
    audio: _Thresholds = _Thresholds()


def test_a_nested_table_of_thresholds_is_checked_key_by_key() -> None:
    """The shape content thresholds take (a frozen dataclass per analysis): checked with no code."""
    from validator.profile_keys import Where, coerce

    where = Where("x.toml", "[audio]\nlevel = -20\nwindows = 'many'\n")
    got = coerce(_WithTable, "audio", "audio", {"level": -20}, where, _Thresholds(windows=5))
    assert got == _Thresholds(level=-20.0, windows=5)
    with pytest.raises(
        ProfileError, match=r"x.toml, line 3: bad value for 'audio.windows': 'many' \(expected an integer"
    ):
        coerce(_WithTable, "audio", "audio", {"level": -20, "windows": "many"}, where)
    with pytest.raises(ProfileError, match=r"unknown profile key 'audio\.levle'"):
        coerce(_WithTable, "audio", "audio", {"levle": 1}, where)
    with pytest.raises(ProfileError, match="windows must be at least 1"):
        coerce(_WithTable, "audio", "audio", {"windows": 0}, where)
    with pytest.raises(ProfileError, match="expected a table"):
        coerce(_WithTable, "audio", "audio", 5, where)
