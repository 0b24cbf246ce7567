"""A parsed ``check`` invocation, whose fields are the one table of ``check``'s options.

Each option's field carries its default and, in its metadata, a :class:`Spec`: flags, help, bounds,
how to read a value. The Typer-free parser (:mod:`avatar_preflight_cli.fast`) is driven by this
table; the Typer command (:mod:`avatar_preflight_cli.commands.check`) declares its options from it;
``tests/test_cli_fast.py`` walks every click parameter of that command and fails on any difference
in name, flags, default, bounds or choices. Imports no CLI framework: a plain ``check`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

from validator.formats import Format
from validator.formats.text import Detail


class Transparent(str, Enum):
    """The ``Transparent`` flag a person says they will send (``check``, ``update``)."""

    AUTO = "auto"
    TRUE = "true"
    FALSE = "false"

    def declared(self) -> bool | None:
        """``None`` for ``auto`` (derive it from the file), else the flag."""
        return None if self is Transparent.AUTO else self is Transparent.TRUE


@dataclass(frozen=True, slots=True)
class Spec:
    """How one option of ``check`` is written and read."""

    flags: tuple[str, ...]
    """``--format``, ``-f``: the long flag first."""
    help: str
    read: Callable[[str], Any] | None = None
    """Turns the text given into the value (``int``, ``Path``, an enum); ``None`` for a switch."""
    negation: str | None = None
    """A switch's ``--no-...`` flag."""
    min: float | None = None
    max: float | None = None
    """The largest value accepted; with ``min``, a float outside both (``nan``, ``inf``) is refused."""
    metavar: str | None = None
    file_okay: bool = True
    """``False``: the value names a folder, and an existing file is a usage error."""
    panel: str | None = None
    """The help section the option is listed in (``None``: the command's own options)."""

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The accepted values of an enum-valued option."""
        if isinstance(self.read, type) and issubclass(self.read, Enum):
            return tuple(str(member.value) for member in self.read)
        return None


PANEL = "Connection (each also read from the environment and [tool.avatar-preflight])"
CONNECTION = {
    "region": ("REGION", "Region, e.g. cn-shanghai [env AVATAR_PREFLIGHT_REGION]."),
    "endpoint": (
        "HOST[:PORT]",
        "ICE endpoint (default ice.REGION.aliyuncs.com) [env AVATAR_PREFLIGHT_ENDPOINT].",
    ),
    "profile": ("NAME", "Credential profile (aliyun CLI or credentials file) [env ALIBABA_CLOUD_PROFILE]."),
    "bucket": ("BUCKET", "OSS bucket for uploads [env AVATAR_PREFLIGHT_BUCKET]."),
    "oss_endpoint": (
        "URL",
        "OSS endpoint URL (default https://oss-REGION.aliyuncs.com) [env AVATAR_PREFLIGHT_OSS_ENDPOINT].",
    ),
    "prefix": ("PREFIX", "Key prefix for uploads (default avatar-preflight/) [env AVATAR_PREFLIGHT_PREFIX]."),
}
"""Each connection option of the cloud commands (and of ``check`` for cloud inputs): metavar, help."""
SANDBOX_HELP = "Use an embedded local sandbox (no cloud account)."


def _spec(*flags: str, help: str, **spec: Any) -> dict[str, Spec]:
    """A field's metadata naming its option."""
    return {"spec": Spec(flags, help, **spec)}


def _connection(name: str, flag: str | None = None) -> dict[str, Spec]:
    metavar, help = CONNECTION[name]
    return _spec(flag or f"--{name}", read=str, metavar=metavar, help=help, panel=PANEL)


@dataclass(frozen=True, slots=True)
class CheckArgs:
    """``check [OPTIONS] INPUT...``, parsed: local paths and cloud inputs (:mod:`validator.cloud.inputs`)."""

    paths: tuple[str, ...]
    transparent: Transparent = field(
        default=Transparent.AUTO,
        metadata=_spec(
            "--transparent",
            read=Transparent,
            help="The Transparent flag you will send; 'auto' derives it from the file.",
        ),
    )
    deep: bool = field(
        default=False,
        metadata=_spec(
            "--deep", negation="--no-deep", help="Decode a few frames to measure the alpha channel."
        ),
    )
    content: bool = field(
        default=False,
        metadata=_spec(
            "--content",
            negation="--no-content",
            help="Also check the footage itself: faces, cuts, light, green screen, matte, speech "
            "(needs the [content] extra).",
        ),
    )
    output_format: Format | None = field(
        default=None,
        metadata=_spec(
            "--format",
            "-f",
            read=Format,
            help="Output format (default: github under GitHub Actions, else text).",
        ),
    )
    output: Path | None = field(
        default=None,
        metadata=_spec("--output", "-o", read=Path, metavar="FILE", help="Write the report to FILE."),
    )
    strict: bool = field(
        default=False, metadata=_spec("--strict", negation="--no-strict", help="Warnings fail the check too.")
    )
    jobs: int | None = field(
        default=None,
        metadata=_spec(
            "--jobs",
            read=int,
            min=1,
            metavar="N",
            help="Files probed in parallel (default: CPU count; 4x that for cloud inputs, which wait on "
            "the network).",
        ),
    )
    rules: Path | None = field(
        default=None,
        metadata=_spec(
            "--rules", read=Path, metavar="FILE", help="A rules TOML overriding the default rules."
        ),
    )
    timeout: float = field(
        default=15.0,
        metadata=_spec(
            "--timeout",
            read=float,
            min=0.1,
            max=3600.0,
            metavar="SECONDS",
            help="Seconds one file's probe may take before it is reported and skipped.",
        ),
    )
    preview: Path | None = field(
        default=None,
        metadata=_spec(
            "--preview",
            read=Path,
            metavar="DIR",
            file_okay=False,
            help="Also write a contact sheet of each video into this folder.",
        ),
    )
    report: Path | None = field(
        default=None,
        metadata=_spec(
            "--report",
            read=Path,
            metavar="FILE",
            help="Also write a self-contained HTML report (frames, findings, timeline) to FILE.",
        ),
    )
    summary: bool = field(
        default=True,
        metadata=_spec(
            "--summary",
            negation="--no-summary",
            help="Under GitHub Actions, append a Markdown summary to $GITHUB_STEP_SUMMARY.",
        ),
    )
    # Read only when a cloud input is given. No --profile: on check it is the deprecated spelling of
    # --rules; the credential profile comes from ALIBABA_CLOUD_PROFILE or the project file.
    region: str | None = field(default=None, metadata=_connection("region"))
    endpoint: str | None = field(default=None, metadata=_connection("endpoint"))
    oss_endpoint: str | None = field(default=None, metadata=_connection("oss_endpoint", "--oss-endpoint"))
    sandbox: bool = field(
        default=False,
        metadata=_spec("--sandbox", negation="--no-sandbox", help=SANDBOX_HELP, panel=PANEL),
    )
    detail: Detail = Detail.NORMAL
    """From ``-q``/``-v``, before or after the command (:data:`DETAIL_FLAGS`)."""

    def connection(self) -> dict[str, str | None]:
        """The connection options given, by setting name (:func:`validator.cloud.settings.resolve`)."""
        return {"region": self.region, "endpoint": self.endpoint, "oss_endpoint": self.oss_endpoint}


def options() -> dict[str, tuple[Field[Any], Spec]]:
    """Every option of ``check`` by field name, with its field (the default) and its :class:`Spec`."""
    return {f.name: (f, f.metadata["spec"]) for f in fields(CheckArgs) if "spec" in f.metadata}


def spec(name: str) -> Spec:
    """The :class:`Spec` of the option stored in field ``name``."""
    return options()[name][1]


DEFAULTS = CheckArgs(paths=())
"""Every default, to declare the Typer command's options with."""

DETAIL_FLAGS = {
    "-q": Detail.QUIET,
    "--quiet": Detail.QUIET,
    "-v": Detail.VERBOSE,
    "--verbose": Detail.VERBOSE,
}
"""``-q``/``-v``: accepted before the command and after it, by every command."""
QUIET_HELP = "Print only failures and errors; rely on the exit code."
VERBOSE_HELP = "Print every fact, the commands run and timings."

DEPRECATED = {"--profile": "--rules"}
"""Old spellings still accepted by ``check`` and ``fix`` (hidden; each use prints one warning). Only
the Typer command reads them: the fast parser hands such a run over, so the warning has one author."""


def deprecation(old: str) -> str:
    """The one warning line a deprecated flag prints."""
    return (
        f"avatar-preflight: warning: {old} for the rules file is deprecated, use {DEPRECATED[old]} "
        "(--profile names the credential profile of the cloud commands)"
    )
