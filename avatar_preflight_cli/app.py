"""The Typer app: the root options, the commands, and help that reads like a usual command line's.

:func:`invoke` runs it for ``cli.main`` without Typer's own ``main``, which would turn Ctrl-C into a
silent exit 130 and print errors itself: here every exception reaches ``cli.py``, the one place
that words failures and picks exit codes. Whoever calls the app's ``main`` (``typer.testing``'s
``CliRunner``, ``app()``) is sent to ``cli.main`` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup

from avatar_preflight_cli.args import QUIET_HELP, VERBOSE_HELP
from avatar_preflight_cli.commands import check, cloud, config, fix, preview, sandbox
from avatar_preflight_cli.invocation import Invocation
from avatar_preflight_cli.shared import session
from validator.errors import UsageError

PROG = "avatar-preflight"


class Commands(TyperGroup):
    """The root group; its ``main`` is ``cli.main``."""

    def main(self, args: Sequence[str] | None = None, *_: Any, **__: Any) -> NoReturn:
        import cli

        cli.main(args)


class PlainCommand(TyperCommand):
    """A command whose help shows arguments as ``PATH...`` and ``INPUT``, not Typer 0.29's
    ``{paths}...`` and ``paths... <list[str]>``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = _plain_name(param) + ("..." if param.nargs != 1 else "")
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((_plain_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _plain_name(param: TyperArgument) -> str:
    return param.metavar or (param.name or "").upper()


app = typer.Typer(
    name=PROG,
    help="Check avatar-training videos for Alibaba Cloud ICE before you train.",
    cls=Commands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from validator import __version__

        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=VERBOSE_HELP)] = False,
) -> None:
    """Check avatar-training videos for Alibaba Cloud ICE before you train."""
    session(ctx).command = ctx.invoked_subcommand
    if quiet and verbose:
        raise UsageError("--quiet and --verbose exclude each other")


for _command in (
    check.check,
    fix.fix,
    preview.preview,
    sandbox.sandbox,
    cloud.update,
    cloud.status,
    cloud.jobs,
    config.config,
):
    app.command(cls=PlainCommand)(_command)


def invoke(invocation: Invocation) -> object:
    """Parse ``invocation`` with the app and run its command; what the command returned. Raises what
    the command raised, and Typer's own endings (``Exit``, usage errors)."""
    command = typer.main.get_command(app)
    command._main_shell_completion({}, PROG)  # a completion request is answered here, and exits
    with command.make_context(PROG, list(invocation.argv), obj=invocation) as ctx:
        return command.invoke(ctx)
