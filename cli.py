"""``avatar-preflight``'s one entry point, and the one place where how a run ended becomes its exit code.

Exit codes: 0 done, every file passes; 1 a file or a parameter fails (warnings too with ``--strict``),
or a confirmation was declined; 2 usage error; 3 the tool could not run (environment, configuration,
or an internal error: a bug, reported with a request to tell us); 4 the cloud refused or failed;
130 interrupted (Ctrl-C); 143 terminated (SIGTERM).

A plain ``check`` is read by the Typer-free parser in :mod:`avatar_preflight_cli.fast`: this module
imports no CLI framework until it knows the run needs one (Typer with click, rich and pydantic takes
120-150 ms to import). The commands return how they ended (``True``/``False`` for pass/fail, ``None``
for done, ``update``'s :class:`~validator.cloud.events.Outcome`) or raise; :func:`exit_code` and
:func:`ending` turn both into an :class:`ExitCode`, and :func:`report` words every failure.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from enum import IntEnum
from typing import NoReturn

from avatar_preflight_cli.errors import Terminated
from avatar_preflight_cli.invocation import Invocation

NO_FAST_PATH = "AVATAR_PREFLIGHT_NO_FAST_PATH"
"""Set to 1 to always go through Typer (the parity tests do)."""


class ExitCode(IntEnum):
    """The documented exit codes."""

    OK = 0
    FAILED = 1
    USAGE = 2
    ENVIRONMENT = 3
    CLOUD = 4
    INTERRUPTED = 130
    TERMINATED = 143


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry: run one command; every failure ends in its message and its exit code.

    The interpreter then exits normally (``atexit`` handlers run, buffers are flushed) but without a
    last garbage collection over every object the run left (PyAV's among them): ``gc.freeze()`` moves
    them out of its reach. Measured on a one-file ``check``, 15 alternating runs on the 2-core CI
    machine under load: CPU time median 368 ms without it, 307 ms with it (``os._exit``: 305 ms).
    """
    invocation = Invocation(tuple(sys.argv[1:] if argv is None else argv))
    code = ExitCode.ENVIRONMENT
    try:
        code = run(invocation)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (``| head``): the output could not be delivered
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        code = code or ExitCode.ENVIRONMENT
    gc.freeze()
    sys.exit(int(code))


def run(invocation: Invocation) -> ExitCode:
    """Run the command ``invocation`` names; its exit code."""
    try:
        return ending(_dispatch(invocation))
    except BrokenPipeError:
        raise  # not a failure of the command: see main()
    except KeyboardInterrupt as exc:
        _say(f"avatar-preflight: {exc or 'interrupted'}")
        return ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED
    except Exception as exc:  # the one place where every failure is worded and given its code
        code = exit_code(exc)
        report(exc, code, invocation)
        return code


def _dispatch(invocation: Invocation) -> object:
    from avatar_preflight_cli.fast import parse

    args = None if os.environ.get(NO_FAST_PATH) == "1" else parse(invocation.argv)
    if args is None:
        from avatar_preflight_cli.app import invoke

        return invoke(invocation)
    from avatar_preflight_cli.check import run_check
    from validator.formats import Format

    invocation.command = "check"
    invocation.json = args.output_format is Format.JSON and args.output is None
    return run_check(args)


def ending(result: object) -> ExitCode:
    """The exit code of what a command returned: ``None`` or ``True`` done, ``False`` failed, an
    ``update`` outcome by its documented code, an int (Typer's ``--help``, ``--version``) as it is."""
    if result is None or result is True:
        return ExitCode.OK
    if result is False:
        return ExitCode.FAILED
    if isinstance(result, int):
        return ExitCode(result)
    from validator.cloud.events import Outcome

    assert isinstance(result, Outcome), result
    if result in (Outcome.DONE, Outcome.DRY_RUN):
        return ExitCode.OK
    return ExitCode.CLOUD if result is Outcome.TRAINING_FAILED else ExitCode.FAILED


def exit_code(exc: Exception) -> ExitCode:
    """The documented exit code of an exception that ended a command."""
    from avatar_preflight_cli.errors import Failed
    from validator.errors import PreflightError, UsageError

    framework = _framework_code(exc)
    if framework is not None:
        return framework
    if isinstance(exc, UsageError):
        return ExitCode.USAGE
    if isinstance(exc, Failed):
        return ExitCode.FAILED
    if isinstance(exc, PreflightError):
        from validator.cloud.errors import CloudError, RemoteReadError

        return ExitCode.CLOUD if isinstance(exc, (CloudError, RemoteReadError)) else ExitCode.ENVIRONMENT
    return ExitCode.ENVIRONMENT  # a bug: see report()


def _framework_code(exc: Exception) -> ExitCode | None:
    """Typer's own endings: ``--help`` and ``--version`` (``Exit``), a usage error, a declined prompt."""
    if "typer" not in sys.modules:
        return None  # then exc cannot be one of Typer's
    import typer

    if isinstance(exc, typer.Exit):
        return ExitCode(exc.exit_code)
    if isinstance(exc, typer.Abort):
        return ExitCode.FAILED
    if isinstance(exc, typer.TyperException):  # click's UsageError and its kin
        return ExitCode(exc.exit_code)
    return None


def report(exc: Exception, code: ExitCode, invocation: Invocation) -> None:
    """Say what ended the run: on stderr always, and as a JSON document on stdout if one is due."""
    from validator.errors import PreflightError

    advice = None
    if _framework_code(exc) is not None:
        message = _framework_message(exc)
    elif isinstance(exc, PreflightError):
        message = str(exc)
        advice = _advice(exc, invocation)
        _say(f"avatar-preflight: {message}")
        if advice:
            _say(f"  what to do: {advice}")
    else:
        import shlex

        message = f"internal error: {type(exc).__name__}: {exc}"
        command = shlex.join(["avatar-preflight", *invocation.argv])
        advice = f"this is a bug in avatar-preflight: please report it with the command you ran: {command}"
        _say(f"avatar-preflight: {message}")
        _say(f"  {advice}")
    if invocation.wants_json() and code is not ExitCode.OK:
        sys.stdout.write(error_document(invocation.command, code, message, advice))


def _framework_message(exc: Exception) -> str:
    """Show a Typer ending as Typer would (usage, hint, error), minus pydantic's "Value error, " prefix
    that Typer 0.29 lets through from its choice validation; the message, for a JSON document."""
    import typer

    if isinstance(exc, typer.BadParameter):
        exc.message = exc.message.removeprefix("Value error, ")
    if isinstance(exc, typer.Abort):
        _say("avatar-preflight: aborted")
        return "aborted"
    if isinstance(exc, typer.TyperException):
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        return exc.format_message()
    return ""


def _advice(exc: Exception, invocation: Invocation) -> str | None:
    from validator.cloud.errors import CloudError

    if not isinstance(exc, CloudError):
        return None
    from validator.cloud.advice import advice

    return advice(exc, invocation.job_id)


def error_document(command: str | None, code: ExitCode, message: str, advice: str | None) -> str:
    """The JSON document of a ``--format json`` run that ended in an error."""
    import json

    from validator import __version__

    document = {
        "schema_version": 1,
        "tool": {"name": "avatar-preflight", "version": __version__},
        "command": command,
        "outcome": "error",
        "exit_code": int(code),
        "message": message,
        "advice": advice,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _say(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def __getattr__(name: str) -> object:
    """``cli.app``: the Typer app, for test runners such as ``typer.testing.CliRunner``. Running it
    comes back to :func:`main` (see ``avatar_preflight_cli.app``); loading it loads Typer."""
    if name == "app":
        from avatar_preflight_cli.app import app

        return app
    raise AttributeError(f"module 'cli' has no attribute {name!r}")


if __name__ == "__main__":
    main()
