"""An in-process sandbox for ``update --sandbox``: the whole flow with no cloud account.

Starts :class:`validator.sandbox.Sandbox` on a free loopback port with fast timings and returns the
settings and credentials that point the real clients at it: the values of the environment the
``sandbox`` command prints. The README's first command uses this.

The one place the client imports the sandbox, and only when ``--sandbox`` is given: the sandbox is a
service the client talks to over loopback HTTP, like the cloud, and never imports the client.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from validator import envvars
from validator.cloud.credentials import ChainCredentials, static
from validator.cloud.settings import DEFAULT_PREFIX, Setting, Settings
from validator.sandbox.server import DEMO_BUCKET

SANDBOX_BUCKET = DEMO_BUCKET


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
        env = sandbox.environment()
        source = "--sandbox"
        settings = Settings(
            region=Setting(env[envvars.REGION], source),
            endpoint=Setting(env[envvars.ENDPOINT], source),
            bucket=Setting(env[envvars.BUCKET], source),
            oss_endpoint=Setting(env[envvars.OSS_ENDPOINT], source),
            prefix=Setting(DEFAULT_PREFIX, source),
            profile=Setting(None, source),
        )
        credentials = static(env[envvars.ACCESS_KEY_ID], env[envvars.ACCESS_KEY_SECRET])
        yield Embedded(settings, credentials, sandbox.endpoint)
