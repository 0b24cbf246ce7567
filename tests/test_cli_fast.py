"""The Typer-free fast path for ``check`` behaves exactly like the Typer command it stands in for."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import cli_check
from cli_check import CheckArgs, parse


def test_plain_invocations_are_parsed() -> None:
    args = parse(
        ["-q", "check", "--transparent=true", "--deep", "-f", "json", "--jobs", "3", "a.mp4", "b.mov"]
    )
    assert args == CheckArgs(
        paths=("a.mp4", "b.mov"), transparent="true", deep=True, output_format="json", jobs=3, detail="quiet"
    )
    assert parse(["check", "--", "-dash.mp4"]) == CheckArgs(paths=("-dash.mp4",))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["update", "--job-id", "x"],
        ["check"],
        ["check", "--help"],
        ["check", "-h", "a.mp4"],
        ["check", "--format", "yaml", "a.mp4"],
        ["check", "--jobs", "0", "a.mp4"],
        ["check", "--jobs", "x", "a.mp4"],
        ["check", "--timeout", "0", "a.mp4"],
        ["check", "--transparent", "maybe", "a.mp4"],
        ["check", "--bogus", "a.mp4"],
        ["check", "a.mp4", "--output"],
        ["-q", "-v", "check", "a.mp4"],
        ["check", "-f", "json", "-f", "text", "a.mp4"],
    ],
)
def test_everything_else_goes_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_the_fast_parser_knows_every_option_of_the_typer_command() -> None:
    import typer.main

    import cli

    command = typer.main.get_command(cli.app).commands["check"]  # type: ignore[attr-defined]
    typer_options = {o for p in command.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
    known = set(cli_check._FLAGS) | set(cli_check._VALUED) | {"--help"}
    assert typer_options <= known, f"add to cli_check's parser: {sorted(typer_options - known)}"


def run(args: list[str], *, fast: bool, cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, cli_check.NO_FAST_PATH: "0" if fast else "1"}
    done = subprocess.run(
        [sys.executable, "-m", "validator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{landscape}"],
        ["-q", "check", "{landscape}", "{res_720p}"],
        ["-v", "check", "--strict", "{moov_end}"],
        ["check", "-f", "json", "--transparent", "false", "{vp9_alpha}"],
        ["check", "--format=junit", "--jobs=2", "{landscape}", "{dur_299_9}"],
        ["check", "-f", "sarif", "{res_720p}"],
        ["check", "--deep", "-f", "github", "{prores_alpha_opaque}"],
        ["check", "{missing}"],
        ["check", "{nomatch}"],
        ["check", "--profile", "{badprofile}", "{landscape}"],
    ],
)
def test_same_output_and_exit_code_both_ways(
    args: list[str], media: Callable[[str], Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("max_duration = 'x'\n")
    names = {
        "missing": str(tmp_path / "gone.mp4"),
        "nomatch": str(tmp_path / "*.webm"),
        "badprofile": str(bad),
    }

    def fill(arg: str) -> str:
        if arg.startswith("{") and arg.endswith("}"):
            key = arg[1:-1]
            return names[key] if key in names else str(media(key))
        return arg

    filled = [fill(a) for a in args]
    fast, slow = run(filled, fast=True, cwd=tmp_path), run(filled, fast=False, cwd=tmp_path)
    timings = ("probing took", "checked in")

    def strip(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not any(t in line for t in timings))

    assert (fast[0], strip(fast[1]), strip(fast[2])) == (slow[0], strip(slow[1]), strip(slow[2]))
