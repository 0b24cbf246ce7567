"""An in-process sandbox for ``update --sandbox``: the whole flow with no cloud account.

Starts :class:`validator.sandbox.Sandbox` on a free loopback port with fast timings and returns the
settings and credentials that point the real clients at it. The README's first command uses this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from validator.cloud.credentials import ChainCredentials, static
from validator.cloud.settings import DEFAULT_PREFIX, Setting, Settings

SANDBOX_BUCKET = "avatar-preflight-demo"


@dataclass(frozen=True)
class Embedded:
    """What the flow needs to use a running embedded sandbox."""

    settings: Settings
    credentials: ChainCredentials
    endpoint: str


@contextmanager
def embedded_sandbox(
    *, queue_seconds: float = 0.5, train_seconds: float = 1.5, prepare_seconds: float = 0.3
) -> Iterator[Embedded]:
    """A running sandbox for the duration of the ``with`` block (state in a temporary folder)."""
    from validator.sandbox import Sandbox, SandboxConfig

    config = SandboxConfig(
        queue_seconds=queue_seconds, train_seconds=train_seconds, prepare_seconds=prepare_seconds
    )
    with Sandbox(config) as sandbox:
        source = "--sandbox"
        settings = Settings(
            region=Setting(sandbox.region, source),
            endpoint=Setting(sandbox.endpoint, source),
            bucket=Setting(SANDBOX_BUCKET, source),
            oss_endpoint=Setting(sandbox.oss_endpoint, source),
            prefix=Setting(DEFAULT_PREFIX, source),
            profile=Setting(None, source),
        )
        yield Embedded(settings, static(sandbox.access_key_id, sandbox.access_key_secret), sandbox.endpoint)
