"""The Typer-free parser of a plain ``check`` invocation, driven by the table in :mod:`.args`.

A gate runs on every file of every commit, so start-up is most of a one-file ``check``: Typer, click,
rich and pydantic cost 120-150 ms to import, more than probing a 15-minute file (a one-file ``check``
on the loaded 2-core CI machine, 12 alternating runs: CPU median 340 ms here, 662 ms through Typer).
This parser reads
``[-q|-v] check [OPTIONS] PATH...`` and returns ``None`` for anything else (help, another command, an
option it does not know, a value it doubts): ``cli.py`` then hands the run to Typer, which also
words every usage error. ``tests/test_cli_fast.py`` holds both paths to the same output.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from avatar_preflight_cli.args import DETAIL_FLAGS, CheckArgs, Spec, options
from validator.formats.text import Detail


def _flags() -> tuple[dict[str, tuple[str, bool]], dict[str, str]]:
    """``--deep`` -> (``deep``, True), ``--no-deep`` -> (``deep``, False); ``-f`` -> ``output_format``."""
    switches: dict[str, tuple[str, bool]] = {}
    valued: dict[str, str] = {}
    for name, (_, spec) in options().items():
        if spec.read is None:
            switches.update({flag: (name, True) for flag in spec.flags})
            if spec.negation:
                switches[spec.negation] = (name, False)
        else:
            valued.update({flag: name for flag in spec.flags})
    return switches, valued


def parse(argv: Sequence[str]) -> CheckArgs | None:
    """A plain ``check``; ``None`` for anything else, left to Typer."""
    switches, valued = _flags()
    detail: set[Detail] = set()
    tokens = list(argv)
    while tokens and tokens[0] in DETAIL_FLAGS:
        detail.add(DETAIL_FLAGS[tokens.pop(0)])
    if not tokens or tokens[0] != "check":
        return None
    values: dict[str, Any] = {}
    paths: list[str] = []
    rest = iter(tokens[1:])
    for token in rest:
        name, eq, inline = token.partition("=")
        if token == "--":
            paths.extend(rest)
        elif token in DETAIL_FLAGS:
            detail.add(DETAIL_FLAGS[token])
        elif token in switches:
            key, on = switches[token]
            values[key] = on
        elif name in valued:
            value = inline if eq else next(rest, None)
            if value is None or valued[name] in values:
                return None
            values[valued[name]] = value
        elif token.startswith("-") and token != "-":
            return None  # --help, an unknown or deprecated option, a short-option cluster: Typer's job
        else:
            paths.append(token)
    if not paths or len(detail) > 1:
        return None  # no path, or -q with -v: Typer says what is wrong
    return _typed(values, tuple(paths), detail.pop() if detail else Detail.NORMAL)


def _typed(values: dict[str, Any], paths: tuple[str, ...], detail: Detail) -> CheckArgs | None:
    table = options()
    typed: dict[str, Any] = {}
    for name, value in values.items():
        spec = table[name][1]
        if spec.read is None:
            typed[name] = value
            continue
        read = _value(spec, value)
        if read is None:
            return None
        typed[name] = read
    return CheckArgs(paths=paths, detail=detail, **typed)


def _value(spec: Spec, text: str) -> object | None:
    """The value, or ``None`` when Typer would refuse it (and so should word the refusal)."""
    assert spec.read is not None
    try:
        value: object = spec.read(text)
    except ValueError:
        return None
    if isinstance(value, Enum):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if spec.min is not None and isinstance(value, (int, float)) and value < spec.min:
        return None
    if spec.max is not None and isinstance(value, (int, float)) and value > spec.max:
        return None
    if isinstance(value, Path) and not spec.file_okay and value.exists() and not value.is_dir():
        return None
    return value
