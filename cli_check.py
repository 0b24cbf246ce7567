"""The ``check`` command's body, and the console entry that runs it without loading Typer.

A gate runs on every file of every commit: start-up time is most of a one-file ``check``. Typer,
click, rich (and, from Typer 0.29, pydantic) cost 120-150 ms to import, more than probing a
15-minute file. So :func:`main` reads a plain ``check`` invocation itself and hands anything else
(help, completion, other commands, any option it does not know, any value it doubts) to the Typer
app in ``cli.py``, which then also produces the usage errors. Both paths run :func:`run`, so they
differ only in parsing; ``tests/test_cli_fast.py`` holds them to the same output.
"""

# No `from __future__ import annotations` here: a NamedTuple's string annotations are each compiled
# at import (~0.1 ms a field in a fresh process), and this module is on every check's start-up path.

import contextlib
import os
import sys
from pathlib import Path
from typing import NamedTuple, NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
FORMATS = ("text", "json", "junit", "github", "sarif")
NO_FAST_PATH = "AVATAR_PREFLIGHT_NO_FAST_PATH"
"""Set to 1 to always go through Typer (the parity tests do)."""


class CheckArgs(NamedTuple):
    """A parsed ``check`` invocation."""

    paths: tuple[str, ...]
    transparent: str = "auto"
    deep: bool = False
    output_format: str | None = None
    output: Path | None = None
    strict: bool = False
    jobs: int | None = None
    profile: Path | None = None
    timeout: float = 15.0
    preview: Path | None = None
    detail: str = "normal"
    """``quiet``, ``normal`` or ``verbose``, from the global options."""


class Stop(Exception):
    """End the command with ``code`` after printing ``message`` on stderr."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def colour(stream: object) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def run(args: CheckArgs) -> int:
    """Check the files, render the report, write it; the exit code. Raises :class:`Stop`."""
    from validator import check_files
    from validator.discover import expand
    from validator.errors import ProfileError, UsageError
    from validator.formats import Format, render
    from validator.probe.reader import Limits
    from validator.profile import discover, load

    try:
        rules = load(args.profile) if args.profile else discover()
        inputs = expand(list(args.paths))
    except UsageError as exc:
        raise Stop(EXIT_USAGE, str(exc)) from exc
    except ProfileError as exc:
        raise Stop(EXIT_ENVIRONMENT, str(exc)) from exc
    declared = None if args.transparent == "auto" else args.transparent == "true"
    report = check_files(
        list(inputs.files),
        declared,
        profile=rules,
        deep=args.deep,
        strict=args.strict,
        jobs=args.jobs,
        limits=Limits(args.timeout),
    )
    fmt = args.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt == "text":
        from validator.formats.text import Detail
        from validator.formats.text import render as render_text

        text = render_text(
            report, detail=Detail(args.detail), colour=args.output is None and colour(sys.stdout)
        )
    else:
        text = render(Format(fmt), report)
    if args.detail == "verbose":
        took = sum(f.seconds or 0 for f in report.files)
        _say(f"{len(report.files)} files; probing took {took:.2f} s in all")
    if args.preview is not None:
        _previews(
            [f.path for f in report.files if f.facts is not None and f.facts.video is not None],
            args.preview,
            args.detail,
        )
    if args.output is not None:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise Stop(EXIT_ENVIRONMENT, f"cannot write {args.output}: {exc.strerror or exc}") from exc
        failed = sum(1 for f in report.files if f.failed(args.strict))
        if args.detail != "quiet":
            _say(f"{len(report.files)} checked, {failed} failed; report written to {args.output}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_FAILED if report.failed else EXIT_OK


def _previews(paths: list[str], folder: Path, detail: str) -> None:
    from validator.preview import write_sheets

    try:
        outcomes = write_sheets(paths, folder)
    except OSError as exc:
        raise Stop(EXIT_ENVIRONMENT, f"cannot write previews into {folder}: {exc.strerror or exc}") from exc
    for outcome in outcomes:
        if outcome.sheet is None:
            _say(f"avatar-preflight: no preview of {outcome.source}: {outcome.problem}")
        elif detail == "verbose":
            _say(f"preview of {outcome.source}: {outcome.sheet}")


# -- the fast path ---------------------------------------------------------------------------------------

_FLAGS = {
    "--deep": ("deep", True),
    "--no-deep": ("deep", False),
    "--strict": ("strict", True),
    "--no-strict": ("strict", False),
}
_VALUED = {
    "--transparent": "transparent",
    "--format": "output_format",
    "-f": "output_format",
    "--output": "output",
    "-o": "output",
    "--jobs": "jobs",
    "--profile": "profile",
    "--timeout": "timeout",
    "--preview": "preview",
}
_GLOBAL = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}


def parse(argv: list[str]) -> CheckArgs | None:
    """A plain ``[-q|-v] check [OPTIONS] PATH...``; ``None`` for anything else, left to Typer."""
    detail = "normal"
    while argv and argv[0] in _GLOBAL:
        if detail != "normal":
            return None  # -q -v together, or repeated: Typer says what is wrong
        detail = _GLOBAL[argv[0]]
        argv = argv[1:]
    if not argv or argv[0] != "check":
        return None
    values: dict[str, object] = {}
    paths: list[str] = []
    rest = iter(argv[1:])
    for token in rest:
        if token == "--":
            paths.extend(rest)
            break
        name, eq, inline = token.partition("=")
        if token in _FLAGS:
            key, flag = _FLAGS[token]
            values[key] = flag
        elif name in _VALUED:
            value = inline if eq else next(rest, None)
            if value is None or _VALUED[name] in values:
                return None
            values[_VALUED[name]] = value
        elif token.startswith("-") and token != "-":
            return None  # --help, an unknown option, a short-option cluster: Typer's job
        else:
            paths.append(token)
    return _typed(values, paths, detail)


def _typed(values: dict[str, object], paths: list[str], detail: str) -> CheckArgs | None:
    if not paths:
        return None
    try:
        transparent = str(values.get("transparent", "auto"))
        fmt = values.get("output_format")
        jobs = int(str(values["jobs"])) if "jobs" in values else None
        timeout = float(str(values.get("timeout", 15.0)))
    except ValueError:
        return None
    if transparent not in ("auto", "true", "false") or (fmt is not None and fmt not in FORMATS):
        return None
    if (jobs is not None and jobs < 1) or timeout < 0.1:
        return None
    preview = Path(str(values["preview"])) if "preview" in values else None
    if preview is not None and preview.exists() and not preview.is_dir():
        return None  # Typer reports a --preview that is a file
    return CheckArgs(
        paths=tuple(paths),
        transparent=transparent,
        deep=bool(values.get("deep", False)),
        output_format=None if fmt is None else str(fmt),
        output=Path(str(values["output"])) if "output" in values else None,
        strict=bool(values.get("strict", False)),
        jobs=jobs,
        profile=Path(str(values["profile"])) if "profile" in values else None,
        timeout=timeout,
        preview=preview,
        detail=detail,
    )


def main() -> None:
    """Console-script entry: a plain ``check`` runs here; everything else goes to the Typer app."""
    args = None if os.environ.get(NO_FAST_PATH) == "1" else parse(sys.argv[1:])
    if args is None:
        from cli import main as typer_main

        typer_main()
        return
    try:
        code = run(args)
    except Stop as stop:
        _say(f"avatar-preflight: {stop}")
        code = stop.code
    except KeyboardInterrupt:
        _say("avatar-preflight: interrupted")
        code = 130
    except Exception as exc:  # the last line of defence: never a traceback
        _say(f"avatar-preflight: internal error: {type(exc).__name__}: {exc}")
        code = EXIT_ENVIRONMENT
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Exit now, skipping the interpreter's teardown.

    Freeing every module's objects (PyAV's among them) takes 8-10 ms, a tenth of a one-file run, and
    buys nothing here: the report is written and flushed, every file is closed, no thread is left.
    """
    try:
        sys.stdout.flush()
    except OSError:  # the reader went away (``| head``): the report could not be delivered
        code = code or EXIT_ENVIRONMENT
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)
