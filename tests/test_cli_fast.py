"""The Typer-free fast path for ``check`` behaves exactly like the Typer command it stands in for."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

import cli
from avatar_preflight_cli.args import DEPRECATED, DETAIL_FLAGS, CheckArgs, Transparent, options
from avatar_preflight_cli.fast import parse
from validator.formats import Format
from validator.formats.text import Detail


def test_plain_invocations_are_parsed() -> None:
    args = parse(
        ["-q", "check", "--transparent=true", "--deep", "-f", "json", "--jobs", "3", "a.mp4", "b.mov"]
    )
    assert args == CheckArgs(
        paths=("a.mp4", "b.mov"),
        transparent=Transparent.TRUE,
        deep=True,
        output_format=Format.JSON,
        jobs=3,
        detail=Detail.QUIET,
    )
    assert parse(["check", "--", "-dash.mp4"]) == CheckArgs(paths=("-dash.mp4",))


def test_quiet_and_verbose_are_read_after_the_command_too() -> None:
    assert parse(["check", "a.mp4", "-q"]) == CheckArgs(paths=("a.mp4",), detail=Detail.QUIET)
    assert parse(["check", "--verbose", "a.mp4"]) == CheckArgs(paths=("a.mp4",), detail=Detail.VERBOSE)
    assert parse(["-q", "check", "a.mp4", "-v"]) is None  # both: Typer words the usage error


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
        ["check", "--timeout", "nan", "a.mp4"],
        ["check", "--transparent", "maybe", "a.mp4"],
        ["check", "--bogus", "a.mp4"],
        ["check", "a.mp4", "--output"],
        ["check", "--profile", "rules.toml", "a.mp4"],  # deprecated: Typer prints the warning
        ["-q", "-v", "check", "a.mp4"],
        ["check", "-f", "json", "-f", "text", "a.mp4"],
    ],
)
def test_everything_else_goes_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def _click_facts(param: Any) -> dict[str, Any]:
    """What a click parameter of the Typer command accepts: flags, default, bounds, choices."""
    descriptor = param.type_descriptor
    default = param.default.value if isinstance(param.default, Enum) else param.default
    choices = None
    if descriptor.is_choice:
        choices = tuple(c.value if isinstance(c, Enum) else c for c in descriptor.choices)
    return {
        "flags": {*param.opts, *param.secondary_opts},
        "default": default,
        "min": param.min,
        "max": param.max,
        "choices": choices,
    }


def _table_facts() -> dict[str, dict[str, Any]]:
    """The same facts, from the table the fast parser reads."""
    facts: dict[str, dict[str, Any]] = {
        "paths": {"flags": {"paths"}, "default": None, "min": None, "max": None, "choices": None}
    }
    for name, (field, spec) in options().items():
        default = field.default.value if isinstance(field.default, Enum) else field.default
        flags = {*spec.flags, *([spec.negation] if spec.negation else [])}
        facts[name] = {
            "flags": flags,
            "default": default,
            "min": spec.min,
            "max": spec.max,
            "choices": spec.choices,
        }
    for level in (Detail.QUIET, Detail.VERBOSE):
        flags = {flag for flag, value in DETAIL_FLAGS.items() if value is level}
        facts[level.value] = {"flags": flags, "default": False, "min": None, "max": None, "choices": None}
    for old, new in DEPRECATED.items():
        alias = {**facts[next(n for n, (_, s) in options().items() if new in s.flags)], "flags": {old}}
        facts[old.lstrip("-")] = {**alias, "default": None}
    return facts


def test_the_typer_command_and_the_fast_parser_follow_one_table() -> None:
    """Every click parameter of ``check`` against the fast parser's table: a default, a bound, a
    choice or an option changed on one side only fails here."""
    import typer.main

    command = typer.main.get_command(cli.app).commands["check"]  # type: ignore[attr-defined]
    typer_side = {p.name: _click_facts(p) for p in command.params if p.name != "help"}
    assert typer_side == _table_facts()


@pytest.mark.parametrize(("name", "given"), [(n, s) for n, (_, s) in options().items()])
def test_the_fast_parser_reads_every_option_of_the_table(name: str, given: Any) -> None:
    samples = {
        Transparent: "false", Format: "sarif", int: "7", float: "2.5", Path: "somewhere", str: "cn-x"
    }  # fmt: skip
    if given.read is None:
        assert getattr(parse(["check", given.flags[0], "a.mp4"]), name) is True
        assert getattr(parse(["check", given.negation, "a.mp4"]), name) is False
        return
    for flag in given.flags:
        args = parse(["check", flag, samples[given.read], "a.mp4"])
        assert args is not None and getattr(args, name) == given.read(samples[given.read])


def run(args: list[str], *, fast: bool, cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, cli.NO_FAST_PATH: "0" if fast else "1"}
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
        ["check", "--rules", "{badprofile}", "{landscape}"],
        ["check", "--profile", "{badprofile}", "{landscape}"],
        ["check", "{landscape}", "{res_720p}", "-q"],
        ["check", "-f", "json", "{nomatch}"],
        ["check", "--format=json", "--rules", "{badprofile}", "{landscape}"],
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


def test_a_plain_check_loads_no_cli_framework(media: Callable[[str], Path]) -> None:
    """The point of the fast path: Typer, click, rich and pydantic cost 120-150 ms to import."""
    code = (
        "import sys, cli\n"
        "try:\n    cli.main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('typer', 'click', 'rich', 'pydantic') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(media("landscape"))], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
    assert "PASS" in done.stdout


def test_a_check_of_local_files_imports_no_cloud_sdk(media: Callable[[str], Path], tmp_path: Path) -> None:
    """Cloud inputs are told apart without the SDKs: a local path wins, even one named like a media
    ID, so a check of local files resolves no credential and imports neither oss2 nor the ICE SDK."""
    lookalike = tmp_path / ("a" * 32)  # a 32-character name: a media ID, were it not a local file
    lookalike.write_bytes(media("landscape").read_bytes())
    code = (
        "import sys, cli\n"
        "try:\n    cli.main(['check', sys.argv[1], sys.argv[2]])\nexcept SystemExit:\n    pass\n"
        "sdks = ('oss2', 'alibabacloud_ice20201109', 'alibabacloud_credentials', 'alibabacloud_tea')\n"
        "print(sorted(m for m in sdks if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(media("landscape")), lookalike.name],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
    assert done.stdout.count("PASS") == 2, done.stdout
