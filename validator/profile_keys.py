"""Type checks of profile keys, driven by the profile's own field types, and the shape of a
``pyproject.toml``'s ``[tool.avatar-preflight]``.

Every field is checked against its annotation (``float``, ``int``, ``str``, ``bool``, ``tuple[X, ...]``,
a nested frozen dataclass read from a TOML table), so a field added to the profile is checked the
moment it exists. The few fields whose TOML spelling differs from their type (``resolutions`` as
``"1920x1080"``) have a parser in :data:`PARSERS`. Errors name the file and, where the text shows
it, the line of the key.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from validator.errors import ProfileError


@dataclasses.dataclass(frozen=True, slots=True)
class Where:
    """Where a profile table came from, to say where a bad key is."""

    origin: str
    """The file (and section) as people should read it."""
    text: str | None = None
    """The file's TOML, when at hand: its lines locate keys."""

    def at(self, key: str) -> str:
        line = find_line(self.text, key) if self.text is not None else None
        return f"{self.origin}, line {line}" if line else self.origin


class _Bad(ValueError):
    """A value does not have the type its field needs; carries what was expected."""


def find_line(text: str, key: str) -> int | None:
    """The line on which ``key`` is assigned or opens a table, after ``[tool.avatar-preflight]``
    when the text has that header (a ``pyproject.toml`` has other ``name`` keys before it)."""
    header = re.search(r"^\s*\[\s*tool\s*\.\s*[\"']?avatar-preflight[\"']?\s*\]", text, re.M)
    start = header.start() if header else 0
    quoted = rf"[\"']?{re.escape(key)}[\"']?"
    pattern = re.compile(rf"^\s*(?:{quoted}\s*=|\[[^\]]*\b{quoted}\s*\])|[{{,]\s*{quoted}\s*=", re.M)
    found = pattern.search(text, start) or pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _resolution(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value)
        if match:
            return int(match[1]), int(match[2])
    elif isinstance(value, list) and len(value) == 2 and all(_is_int(v) for v in value):
        return value[0], value[1]
    raise _Bad('a list of "WIDTHxHEIGHT" strings or [WIDTH, HEIGHT] pairs')


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(what)
    return value


PARSERS: dict[str, Callable[[Any], Any]] = {
    "resolutions": lambda v: tuple(_resolution(x) for x in _list(v, 'a list of "WIDTHxHEIGHT" strings')),
    "containers": lambda v: tuple(c.lower() for c in _coerce(tuple[str, ...], v)),
}
"""Fields read from TOML in their own way; every other field is checked against its annotation."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SCALARS: dict[Any, tuple[str, str]] = {
    bool: ("true or false", "booleans"),
    int: ("an integer", "integers"),
    float: ("a number", "numbers"),
    str: ("a string", "strings"),
}


def _coerce(hint: Any, value: Any) -> Any:
    """``value`` as ``hint`` says it must be, or :class:`_Bad` with what was expected."""
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if _is_int(value):
            return value
    elif hint is float:
        if _is_int(value) or isinstance(value, float):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        return _coerce_composite(hint, value)
    raise _Bad(_SCALARS[hint][0])


def _coerce_composite(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        plural = _SCALARS.get(args[0], ("", "values"))[1]
        return tuple(_coerce(args[0], v) for v in _list(value, f"a list of {plural}"))
    if origin is tuple:
        items = _list(value, f"a list of {len(args)} values")
        if len(items) != len(args):
            raise _Bad(f"a list of {len(args)} values")
        return tuple(_coerce(a, v) for a, v in zip(args, items, strict=True))
    if origin in (typing.Union, types.UnionType):
        for option in (a for a in args if a is not type(None)):
            try:
                return _coerce(option, value)
            except _Bad:
                continue
        raise _Bad(" or ".join(_SCALARS.get(a, ("a value",))[0] for a in args if a is not type(None)))
    if origin in (Mapping, dict):
        if not isinstance(value, Mapping):
            raise _Bad("a table")
        return {k: _coerce(args[1], v) for k, v in value.items()} if args else dict(value)
    if dataclasses.is_dataclass(hint):
        raise _Bad("a table")  # a table's keys are checked one by one, by coerce()
    raise _Bad(f"a value of type {hint}")


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a dataclass's fields, once per class."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in typing.get_type_hints(cls).items() if k in names}


def coerce(
    cls: type, key: str, raw_key: str, value: Any, where: Where, current: Any = None, label: str = ""
) -> Any:
    """The value of field ``key`` of ``cls`` from TOML, type-checked. A nested dataclass (a TOML
    table) has each of its own keys checked the same way, over ``current`` (the base profile's);
    ``label`` is the key as errors name it (``audio.peak``), ``raw_key`` as the file spells it."""
    label = label or raw_key
    fields = hints(cls)
    if key not in fields:
        raise ProfileError(f"{where.at(raw_key)}: unknown profile key '{label}'")
    hint = fields[key]
    try:
        if key in PARSERS:
            return PARSERS[key](value)
        if dataclasses.is_dataclass(hint) and isinstance(hint, type) and isinstance(value, Mapping):
            return _table(hint, value, where, current if current is not None else hint(), label)
        return _coerce(hint, value)
    except _Bad as exc:
        problem = f"bad value for '{label}': {value!r} (expected {exc})"
        raise ProfileError(f"{where.at(raw_key)}: {problem}") from None


def _table(cls: type, value: Mapping[str, Any], where: Where, current: Any, label: str) -> Any:
    """A nested dataclass from its TOML table, each key checked, then validated by the class itself."""
    inner = {}
    for raw, item in value.items():
        name = str(raw).replace("-", "_")
        inner[name] = coerce(cls, name, str(raw), item, where, getattr(current, name, None), f"{label}.{raw}")
    try:
        return dataclasses.replace(current, **inner)
    except (TypeError, ValueError, ProfileError) as exc:
        raise ProfileError(f"{where.origin}: {exc}") from exc


def tool_section(data: Mapping[str, Any], path: Path, text: str) -> Mapping[str, Any] | None:
    """``[tool.avatar-preflight]`` of a parsed ``pyproject.toml``; ``None`` when there is none. A
    ``tool`` or an ``avatar-preflight`` that is not a table is an error, not a missing section."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, Mapping):
        raise ProfileError(f"{Where(str(path), text).at('tool')}: 'tool' must be a table, not {_kind(tool)}")
    section = tool.get("avatar-preflight")
    if section is None:
        return None
    if not isinstance(section, Mapping):
        raise ProfileError(
            f"{Where(str(path), text).at('avatar-preflight')}: [tool.avatar-preflight] must be a table "
            f"of settings, not {_kind(section)}"
        )
    return section


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array"}
    return f"{names.get(type(value), type(value).__name__)} ({value!r})"
