"""The effective configuration, and where each value came from: what ``avatar-preflight config`` shows.

Three parts: the connection settings of the cloud commands, the rule profile ``check`` judges with,
and which credentials the standard chain would find. Credentials are only *located* here (environment
variables and files are looked at, the chain itself never runs, so nothing touches the network) and
shown masked: an access key id keeps its first and last four characters, a secret or a token never
shows at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from validator.profile import Profile, from_mapping, load, project_section, read_table, source_text

SECRET_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN")


@dataclass(frozen=True, slots=True)
class Entry:
    """One configured value."""

    section: str
    """``connection``, ``profile`` or ``credentials``."""
    name: str
    value: str | None
    source: str


def mask(key_id: str) -> str:
    """``LTAI5tAbCdEfGh1234`` -> ``LTAI…1234``: enough to tell keys apart, not enough to use one."""
    return f"{key_id[:4]}…{key_id[-4:]}" if len(key_id) > 8 else "…"


def profile_entries(profile_file: Path | None, start: Path | None = None) -> list[Entry]:
    """Every profile field, with ``default`` or the file that set it; a table of thresholds
    (``audio``) as one entry per threshold (``audio.min_lead_in``)."""
    if profile_file is not None:
        table = read_table(profile_file)
        profile, origin = load(profile_file), str(profile_file)
    else:
        origin_or_none, table = project_section(start)
        profile = (
            from_mapping(table, origin=origin_or_none, text=source_text(origin_or_none))
            if origin_or_none
            else Profile()
        )
        origin = origin_or_none or "default"
    given = {str(k).replace("-", "_"): v for k, v in table.items()}
    out = []
    for field in fields(Profile):
        value = getattr(profile, field.name)
        if is_dataclass(value):
            inner_given = given.get(field.name)
            inner_keys = set()
            if isinstance(inner_given, Mapping):
                inner_keys = {str(k).replace("-", "_") for k in inner_given}
            for inner in fields(value):
                source = origin if inner.name in inner_keys else "default"
                number = json.dumps(getattr(value, inner.name))
                out.append(Entry("profile", f"{field.name}.{inner.name}", number, source))
            continue
        if field.name == "severities":
            value = {rule: (sev.value if sev else "off") for rule, sev in value.items()} or None
        elif field.name == "resolutions":
            value = [f"{w}x{h}" for w, h in value]
        set_here = field.name in given or (field.name == "severities" and "severity" in given)
        shown = None if value is None else (value if isinstance(value, str) else json.dumps(value))
        out.append(Entry("profile", field.name, shown, origin if set_here else "default"))
    return out


def credential_entries(profile: str | None, environ: Mapping[str, str] | None = None) -> list[Entry]:
    """Where the credential chain would look, in its order, and what it would find there (masked)."""
    env = os.environ if environ is None else environ
    out = []
    key_id = env.get("ALIBABA_CLOUD_ACCESS_KEY_ID")
    out.append(
        Entry(
            "credentials",
            "access key id",
            mask(key_id) if key_id else None,
            "env ALIBABA_CLOUD_ACCESS_KEY_ID" if key_id else "not set",
        )
    )
    for variable in SECRET_VARIABLES:
        present = bool(env.get(variable))
        out.append(
            Entry(
                "credentials",
                variable.removeprefix("ALIBABA_CLOUD_").lower().replace("_", " "),
                "(set, hidden)" if present else None,
                f"env {variable}" if present else "not set",
            )
        )
    home = Path(env.get("HOME", str(Path.home())))
    for label, path in (
        ("aliyun CLI profile", home / ".aliyun" / "config.json"),
        ("credentials file", home / ".alibabacloud" / "credentials.ini"),
    ):
        out.append(
            Entry(
                "credentials",
                label,
                str(path) if path.is_file() else None,
                "found" if path.is_file() else "not found",
            )
        )
    out.append(
        Entry(
            "credentials",
            "profile name",
            profile,
            "--profile or ALIBABA_CLOUD_PROFILE" if profile else "default",
        )
    )
    return out


def effective(
    options: Mapping[str, str | None], profile_file: Path | None = None, start: Path | None = None
) -> list[Entry]:
    """Connection settings, profile fields and credential locations, each with its source."""
    from validator.cloud.settings import resolve

    settings = resolve(options, start=start)
    out = [Entry("connection", name, s.value, s.source) for name, s in settings.items() if name != "profile"]
    out += profile_entries(profile_file, start)
    out += credential_entries(settings.profile.value)
    return out


def render_text(entries: list[Entry]) -> str:
    """Aligned ``section / name  value  (source)`` lines, one block per section."""
    width = max((len(e.name) for e in entries), default=0)
    lines: list[str] = []
    section = None
    for e in entries:
        if e.section != section:
            if section is not None:
                lines.append("")
            lines.append(f"[{e.section}]")
            section = e.section
        value = "-" if e.value is None else e.value
        lines.append(f"  {e.name:<{width}}  {value}  ({e.source})")
    return "\n".join(lines) + "\n"


def render_json(entries: list[Entry]) -> str:
    doc: dict[str, dict[str, dict[str, str | None]]] = {}
    for e in entries:
        doc.setdefault(e.section, {})[e.name] = {"value": e.value, "source": e.source}
    return json.dumps({"schema_version": 1, **doc}, indent=2, ensure_ascii=False) + "\n"
