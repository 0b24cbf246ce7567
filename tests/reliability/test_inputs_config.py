"""Configuration errors are loud: a project file that is not valid TOML, a ``[tool.avatar-preflight]``
of the wrong shape, a profile key of the wrong type all end the run with exit 3, the file, the line
and what is wrong, never with the project's rules dropped or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability._inputs_media import tiny_video

# The rules the project means: a 1-second 64x48 take passes them, the default profile fails it.
RULES = (
    'min-duration = 0.5\nresolutions = ["64x48"]\nseverity = { audio-missing = "off", moov-at-end = "off" }'
)


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_video(tmp_path_factory.mktemp("config") / "take.mp4")


def check(take: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "validator", "check", str(take)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )


def test_the_project_rules_apply(take: Path, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.avatar-preflight]\n{RULES}\n")
    assert check(take, tmp_path).returncode == 0  # the premise of the cases below
    (tmp_path / "pyproject.toml").unlink()
    assert check(take, tmp_path).returncode == 1


BROKEN = {
    # name: (pyproject.toml, line the message names or None, words the message has)
    "not TOML": (f"[tool.avatar-preflight]\n{RULES}\nmax-duration = = 9\n", 5, "invalid TOML"),
    "tool is a string": ('# uses avatar-preflight\ntool = "x"\n', 2, "'tool' must be a table"),
    "section is a number": ("[tool]\navatar-preflight = 5\n", 2, "must be a table"),
    "section is a list": ('[tool]\navatar-preflight = ["x"]\n', 2, "must be a table"),
    "containers a string": (
        f'[project]\nname = "x"\n[tool.avatar-preflight]\n{RULES}\ncontainers = "mp4"\n',
        7,
        "'containers': 'mp4' (expected a list of strings)",
    ),
    "a number as text": (f'[tool.avatar-preflight]\n{RULES}\nmax_duration = "900"\n', 5, "expected a number"),
    "name a number": (f"[tool.avatar-preflight]\n{RULES}\nname = 7\n", 5, "expected a string"),
    "integer as float": (f"[tool.avatar-preflight]\n{RULES}\ndeep-frames = 8.5\n", 5, "expected an integer"),
    "size with fraction": (
        "[tool.avatar-preflight]\nresolutions = [[1920.5, 1080]]\n",
        2,
        "WIDTHxHEIGHT",
    ),
    "boolean as number": (
        f"[tool.avatar-preflight]\n{RULES}\nmin-frame-rate = true\n",
        5,
        "expected a number",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_project_file_is_exit_3_with_file_line_and_reason(
    case: str, take: Path, tmp_path: Path
) -> None:
    text, line, words = BROKEN[case]
    (tmp_path / "pyproject.toml").write_text(text)
    result = check(take, tmp_path)
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message and "internal error" not in message
    assert str(tmp_path / "pyproject.toml") in message and words in message, message
    assert f"line {line}" in message, message


def test_the_rules_file_given_on_the_command_line_is_checked_the_same(take: Path, tmp_path: Path) -> None:
    rules = tmp_path / "studio.toml"
    rules.write_text('containers = "mp4"\n')
    result = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--rules", str(rules), str(take)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        result.returncode == 3 and f"{rules}, line 1" in result.stderr and "list of strings" in result.stderr
    )
