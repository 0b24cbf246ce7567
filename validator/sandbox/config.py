"""How a sandbox is set up: one frozen object, validated once.

Durations are seconds of the sandbox clock. Credentials left unset are generated the first time a
data directory is used and stored in it, so a restarted sandbox accepts the same key pair.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import string
from dataclasses import dataclass, field

from validator.sandbox.errors import SandboxError
from validator.sandbox.faults import FaultConfig

_ALNUM = string.ascii_letters + string.digits

DEFAULT_REGION = "cn-shanghai"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
"""How far a request's timestamp may be from the sandbox clock, as the real services allow."""
MAX_OBJECT_BYTES = 5 * 1024**3
"""Largest single PutObject or UploadPart body (OSS's own limit: 5 GiB)."""


@dataclass(frozen=True)
class StsCredential:
    """A temporary credential: an ``STS.`` key pair bound to a security token."""

    access_key_id: str
    access_key_secret: str
    security_token: str
    expires_at: float | None = None
    """Epoch seconds after which the token is refused; ``None`` never expires."""


@dataclass(frozen=True)
class SandboxConfig:
    """Everything a :class:`~validator.sandbox.Sandbox` needs to start."""

    data_dir: str | os.PathLike[str] | None = None
    """Where state (``sandbox.sqlite3``) and objects live; ``None`` uses a temporary directory that
    is removed when the sandbox stops."""
    host: str = "127.0.0.1"
    """Interface to bind. Anything but loopback is refused unless :attr:`allow_remote` is set."""
    port: int = 0
    """Port to bind; ``0`` picks a free one."""
    allow_remote: bool = False
    """Permit a non-loopback :attr:`host` (the sandbox has no TLS and accepts a known key)."""
    access_key_id: str | None = None
    """The accepted AccessKey ID; ``None`` generates one per data directory."""
    access_key_secret: str | None = None
    """Its secret; ``None`` generates one per data directory."""
    sts: tuple[StsCredential, ...] = ()
    """Temporary credentials accepted besides the key pair (more can be issued at run time)."""
    region: str = DEFAULT_REGION
    """Region reported in media info and expected nowhere (any signing region is accepted)."""
    queue_seconds: float = 2.0
    """How long a submitted job stays ``Queuing``."""
    train_seconds: float = 5.0
    """How long it then stays ``Training`` before the verdict."""
    prepare_seconds: float = 1.0
    """How long a registered media asset stays ``Preparing``."""
    max_clock_skew_seconds: float = MAX_CLOCK_SKEW_SECONDS
    """Largest accepted difference between a request's timestamp and the sandbox clock."""
    max_object_bytes: int = MAX_OBJECT_BYTES
    """Largest accepted PutObject / UploadPart body."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    """Faults injected from the start."""

    def __post_init__(self) -> None:
        if not self.allow_remote and not is_loopback(self.host):
            raise SandboxError(
                f"refusing to listen on {self.host!r}: the sandbox serves loopback only "
                "(allow_remote=True / --allow-remote to override)"
            )
        if not 0 <= self.port <= 65535:
            raise SandboxError(f"port {self.port} is out of range")
        for name in ("queue_seconds", "train_seconds", "prepare_seconds"):
            if getattr(self, name) < 0:
                raise SandboxError(f"{name} must not be negative")
        if (self.access_key_id is None) != (self.access_key_secret is None):
            raise SandboxError("give both access_key_id and access_key_secret, or neither")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names the loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def random_access_key_id() -> str:
    """A 24-character ID in the shape of a real one (``LTAI5t...``)."""
    return "LTAI5t" + "".join(secrets.choice(_ALNUM) for _ in range(18))


def random_secret(length: int = 30) -> str:
    """A random secret of letters and digits."""
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def new_sts_credential(expires_at: float | None) -> StsCredential:
    """A fresh temporary credential."""
    return StsCredential(
        access_key_id="STS." + "".join(secrets.choice(_ALNUM) for _ in range(24)),
        access_key_secret=random_secret(),
        security_token="CAIS" + secrets.token_urlsafe(96),
        expires_at=expires_at,
    )
