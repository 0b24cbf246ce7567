"""``check``: the Typer command, declared from the table in :mod:`avatar_preflight_cli.args`.

A plain ``check`` never comes here (``cli.py`` reads it with the fast parser); help, completion and
every usage error do. Both paths run :func:`avatar_preflight_cli.check.run_check`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from avatar_preflight_cli.args import DEFAULTS, CheckArgs, Transparent, spec
from avatar_preflight_cli.check import run_check
from avatar_preflight_cli.shared import deprecated_rules, session, shared
from validator.formats import Format
from validator.formats.text import Detail


def option(name: str) -> Any:
    """The ``typer.Option`` of the table's option ``name``."""
    s = spec(name)
    flags = (f"{s.flags[0]}/{s.negation}", *s.flags[1:]) if s.negation else s.flags
    bounds = {"min": s.min, "max": s.max}
    extra: dict[str, Any] = {k: v for k, v in bounds.items() if v is not None}
    if not s.file_okay:
        extra["file_okay"] = False
    if s.panel:
        extra["rich_help_panel"] = s.panel
    return typer.Option(*flags, help=s.help, metavar=s.metavar, **extra)


RULES_ALIAS = typer.Option("--profile", hidden=True, help="Deprecated: use --rules.")


@shared()
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Video files, folders (searched recursively) or globs; oss://BUCKET/KEY, "
            "https://BUCKET.oss-REGION.aliyuncs.com/KEY, oss://BUCKET/PREFIX/ or a media ID.",
        ),
    ],
    transparent: Annotated[Transparent, option("transparent")] = DEFAULTS.transparent,
    deep: Annotated[bool, option("deep")] = DEFAULTS.deep,
    content: Annotated[bool, option("content")] = DEFAULTS.content,
    output_format: Annotated[Format | None, option("output_format")] = DEFAULTS.output_format,
    output: Annotated[Path | None, option("output")] = DEFAULTS.output,
    strict: Annotated[bool, option("strict")] = DEFAULTS.strict,
    jobs: Annotated[int | None, option("jobs")] = DEFAULTS.jobs,
    rules: Annotated[Path | None, option("rules")] = DEFAULTS.rules,
    profile: Annotated[Path | None, RULES_ALIAS] = None,
    timeout: Annotated[float, option("timeout")] = DEFAULTS.timeout,
    preview: Annotated[Path | None, option("preview")] = DEFAULTS.preview,
    report: Annotated[Path | None, option("report")] = DEFAULTS.report,
    summary: Annotated[bool, option("summary")] = DEFAULTS.summary,
    region: Annotated[str | None, option("region")] = DEFAULTS.region,
    endpoint: Annotated[str | None, option("endpoint")] = DEFAULTS.endpoint,
    oss_endpoint: Annotated[str | None, option("oss_endpoint")] = DEFAULTS.oss_endpoint,
    sandbox: Annotated[bool, option("sandbox")] = DEFAULTS.sandbox,
    *,
    detail: Detail,
) -> bool:
    """Check videos against the ICE avatar-training rules and derive the Transparent flag.

    Local files and videos in the cloud alike: an object, a URL, a media ID or an OSS prefix is read
    where it is, headers only, over HTTP Range requests.
    """
    session(ctx).json = output_format is Format.JSON and output is None
    args = CheckArgs(
        paths=tuple(paths),
        transparent=transparent,
        deep=deep,
        content=content,
        output_format=output_format,
        output=output,
        strict=strict,
        jobs=jobs,
        rules=deprecated_rules(rules, profile),
        timeout=timeout,
        preview=preview,
        report=report,
        summary=summary,
        region=region,
        endpoint=endpoint,
        oss_endpoint=oss_endpoint,
        sandbox=sandbox,
        detail=detail,
    )
    return run_check(args)
