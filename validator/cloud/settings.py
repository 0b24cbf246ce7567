"""Connection settings for the cloud commands, and where each value came from.

Precedence, highest first: the command-line option, an environment variable, the nearest
``avatar-preflight.toml`` (top level) or ``[tool.avatar-preflight]`` of the nearest ``pyproject.toml``,
then the default. Each value keeps its source, so a person (and a later ``config`` command) can see
why the tool talks to the endpoint it talks to. No secret is a setting: credentials come from the
Alibaba Cloud chain (:mod:`validator.cloud.credentials`), and an endpoint with a user name or
password in it is refused as a usage error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator import envvars
from validator.cloud.errors import ConfigError
from validator.errors import ProfileError, UsageError
from validator.profile import project_section

DEFAULT_REGION = "cn-shanghai"
DEFAULT_PREFIX = "avatar-preflight/"

ENV = {
    "region": envvars.REGION,
    "endpoint": envvars.ENDPOINT,
    "bucket": envvars.BUCKET,
    "oss_endpoint": envvars.OSS_ENDPOINT,
    "prefix": envvars.PREFIX,
    "profile": envvars.PROFILE,
}
"""The environment variable behind each setting."""
_FILE_KEYS = {
    "region": "region",
    "endpoint": "endpoint",
    "bucket": "bucket",
    "oss_endpoint": "oss_endpoint",
    "prefix": "prefix",
    "profile": "profile_name",
}


@dataclass(frozen=True)
class Setting:
    """One value and its origin."""

    value: str | None
    source: str
    """``--region``, ``env AVATAR_PREFLIGHT_REGION``, ``/path/pyproject.toml``, ``default``."""


@dataclass(frozen=True)
class Settings:
    """Where the cloud commands connect, resolved once."""

    region: Setting
    endpoint: Setting
    """ICE endpoint, ``HOST[:PORT]`` without a scheme (the SDK puts it in the signed Host header)."""
    bucket: Setting
    """OSS bucket for uploads; ``None`` until configured."""
    oss_endpoint: Setting
    """OSS endpoint URL (``https://oss-REGION.aliyuncs.com``)."""
    prefix: Setting
    """Key prefix for uploads, ending in ``/``."""
    profile: Setting
    """Credential profile name (aliyun CLI or credentials file); ``None`` uses the default chain."""

    def as_dict(self) -> dict[str, dict[str, str | None]]:
        """Every setting as ``{name: {value, source}}`` (no secrets: there are none here)."""
        return {name: {"value": s.value, "source": s.source} for name, s in self.items()}

    def items(self) -> list[tuple[str, Setting]]:
        return [(name, getattr(self, name)) for name in ENV]

    @property
    def ice_protocol(self) -> str:
        """``http`` only for a loopback endpoint (the sandbox); the cloud is always https."""
        return "http" if is_loopback_endpoint(self.endpoint.value or "") else "https"


def is_loopback_endpoint(endpoint: str) -> bool:
    """Whether ``HOST[:PORT]`` or a URL names 127.0.0.1, ::1 or localhost."""
    host = endpoint.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host in ("127.0.0.1", "::1", "localhost")


def resolve(
    options: Mapping[str, str | None],
    *,
    environ: Mapping[str, str] | None = None,
    start: Path | None = None,
) -> Settings:
    """Settings from ``options`` (keys as in :data:`ENV`), the environment and the project file."""
    environ = os.environ if environ is None else environ
    origin, raw = _project_file(start or Path.cwd())
    data = {str(k).replace("-", "_"): v for k, v in raw.items()}
    chosen: dict[str, Setting] = {}
    for name, variable in ENV.items():
        option = options.get(name)
        if option:
            chosen[name] = Setting(option, f"--{name.replace('_', '-')}")
        elif environ.get(variable):
            chosen[name] = Setting(environ[variable], f"env {variable}")
        elif data.get(_FILE_KEYS[name]) is not None:
            value = data[_FILE_KEYS[name]]
            if not isinstance(value, str):
                raise ConfigError(f"{origin}: '{_FILE_KEYS[name]}' must be a string")
            chosen[name] = Setting(value, origin)
    region = chosen.get("region") or Setting(DEFAULT_REGION, "default")
    defaults = {
        "region": region,
        "endpoint": Setting(f"ice.{region.value}.aliyuncs.com", "default (from region)"),
        "bucket": Setting(None, "default (none)"),
        "oss_endpoint": Setting(f"https://oss-{region.value}.aliyuncs.com", "default (from region)"),
        "prefix": Setting(DEFAULT_PREFIX, "default"),
        "profile": Setting(None, "default chain"),
    }
    merged = {name: chosen.get(name) or defaults[name] for name in ENV}
    prefix = merged["prefix"]
    if prefix.value and not prefix.value.endswith("/"):
        merged["prefix"] = Setting(prefix.value + "/", prefix.source)
    for name in ("endpoint", "oss_endpoint"):
        _refuse_credentials(name, merged[name])
    endpoint = merged["endpoint"]
    if endpoint.value and "://" in endpoint.value:
        raise ConfigError(
            f"endpoint {endpoint.value!r} ({endpoint.source}) must be HOST[:PORT] without a scheme"
        )
    return Settings(**merged)


_LABELS = {"endpoint": "ICE endpoint", "oss_endpoint": "OSS endpoint"}


def _refuse_credentials(name: str, setting: Setting) -> None:
    """An endpoint with a user name or password in it (``https://user:secret@host``) is refused: the
    tool shows its endpoints (``config``, ``-v``) and the secret would be shown with them; credentials
    come from the Alibaba Cloud chain. The message names the host, never what came before the ``@``."""
    value = setting.value or ""
    authority = value.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" not in authority:
        return
    scheme = value.split("://", 1)[0] + "://" if "://" in value else ""
    host = authority.rsplit("@", 1)[1]
    raise UsageError(
        f"the {_LABELS[name]} ({setting.source}) has a user name or password in it: give it "
        f"as {scheme}{host} (credentials come from the Alibaba Cloud chain, never from an endpoint)"
    )


def _project_file(start: Path) -> tuple[str, Mapping[str, Any]]:
    """The settings table of the nearest project file, and its name; empty when there is none."""
    try:
        origin, section = project_section(start)
    except ProfileError as exc:
        raise ConfigError(str(exc)) from exc
    return origin or "", section
