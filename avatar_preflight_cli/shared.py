"""What several commands share: ``-q``/``-v`` after the command, the connection options, ``--format``.

:func:`shared` declares ``-q``/``-v`` and the connection options once for every command that takes
them: it adds them to the command's signature (Typer reads ``__signature__``) and hands the command
a :class:`~validator.formats.text.Detail` and a :class:`Connection` instead of the separate values.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from avatar_preflight_cli.args import CONNECTION, PANEL, QUIET_HELP, VERBOSE_HELP
from avatar_preflight_cli.invocation import Invocation
from validator.errors import UsageError
from validator.formats.text import Detail

F = TypeVar("F", bound=Callable[..., Any])


def session(ctx: typer.Context) -> Invocation:
    """The run's :class:`Invocation`, which ``cli.py`` passed to the app as the context object."""
    invocation = ctx.find_root().obj
    assert isinstance(invocation, Invocation), "the app is run through cli.main"
    return invocation


class CloudFormat(str, Enum):
    """Result formats of the cloud commands and ``config``."""

    text = "text"
    json = "json"


FormatOpt = Annotated[CloudFormat, typer.Option("--format", "-f", help="Result format.")]


@dataclass(frozen=True, slots=True)
class Connection:
    """The connection options as given on the command line (``None``: not given)."""

    region: str | None = None
    endpoint: str | None = None
    profile: str | None = None
    bucket: str | None = None
    oss_endpoint: str | None = None
    prefix: str | None = None

    def options(self) -> Mapping[str, str | None]:
        return asdict(self)


ALL = tuple(CONNECTION)
ICE_ONLY = ("region", "endpoint", "profile")


def _option(name: str, flags: tuple[str, ...], annotation: Any, **info: Any) -> inspect.Parameter:
    declared = Annotated[annotation, typer.Option(*flags, **info)]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=declared)


_DETAIL = (
    _option("quiet", ("--quiet", "-q"), bool, help=QUIET_HELP).replace(default=False),
    _option("verbose", ("--verbose", "-v"), bool, help=VERBOSE_HELP).replace(default=False),
)


def shared(*connection: str) -> Callable[[F], F]:
    """Give a command ``-q``/``-v`` and the named connection options (see the module docstring).

    The command takes ``ctx: typer.Context`` and, by keyword, ``detail`` and (when any connection
    option is named) ``connection``.
    """

    def decorate(command: F) -> F:
        signature = inspect.signature(command)
        own = [
            _resolved(p, command)
            for n, p in signature.parameters.items()
            if n not in ("detail", "connection")
        ]
        added = [
            _option(n, (f"--{n.replace('_', '-')}",), str | None, metavar=m, help=h, rich_help_panel=PANEL)
            for n, (m, h) in ((n, CONNECTION[n]) for n in connection)
        ]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            quiet, verbose = kwargs.pop("quiet"), kwargs.pop("verbose")
            if connection:
                kwargs["connection"] = Connection(**{n: kwargs.pop(n) for n in connection})
            level = detail(kwargs["ctx"], quiet=quiet, verbose=verbose)
            if "detail" in signature.parameters:
                kwargs["detail"] = level
            return command(**kwargs)

        parameters = [*own, *_DETAIL, *added]
        wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper  # type: ignore[return-value]

    return decorate


def _resolved(parameter: inspect.Parameter, command: Callable[..., Any]) -> inspect.Parameter:
    """``parameter`` with its annotation evaluated, as Typer needs it: the command modules postpone
    annotations. (The return annotation is left out: it may name a type imported for type checking.)"""
    if not isinstance(parameter.annotation, str):
        return parameter
    return parameter.replace(annotation=eval(parameter.annotation, command.__globals__))


def detail(ctx: typer.Context, *, quiet: bool, verbose: bool) -> Detail:
    """How much to say, from ``-q``/``-v`` before the command (the root's) or after it."""
    root = ctx.find_root().params
    quiet, verbose = quiet or bool(root.get("quiet")), verbose or bool(root.get("verbose"))
    if quiet and verbose:
        raise UsageError("--quiet and --verbose exclude each other")
    return Detail.QUIET if quiet else Detail.VERBOSE if verbose else Detail.NORMAL


def deprecated_rules(rules: Path | None, profile: Path | None) -> Path | None:
    """``--rules``, or the deprecated ``--profile`` for it (with its one warning line)."""
    from avatar_preflight_cli.args import deprecation

    if profile is None:
        return rules
    typer.echo(deprecation("--profile"), err=True)
    return rules if rules is not None else profile
