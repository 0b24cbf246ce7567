"""Settings and credentials for every command that reaches the cloud (``update``, ``status``, ``jobs``,
and ``check`` of cloud inputs), or an embedded sandbox's. Typer-free: ``check`` imports it too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any


@contextmanager
def environment(
    options: Mapping[str, str | None], use_sandbox: bool, *, quiet: bool = False
) -> Iterator[tuple[Any, Any]]:
    """Settings and credentials resolved from options, environment and project file, or an embedded
    sandbox started for the duration of the command (said on stderr unless ``quiet``)."""
    quiet_credential_logs()
    if use_sandbox:
        from validator.cloud.embedded import embedded_sandbox

        if not quiet:
            sys.stderr.write("starting an embedded sandbox on 127.0.0.1 (no cloud account is used)\n")
        with embedded_sandbox() as embedded:
            yield embedded.settings, embedded.credentials
        return
    from validator.cloud.credentials import ChainCredentials
    from validator.cloud.settings import resolve

    settings = resolve(options)
    yield settings, ChainCredentials(settings.profile.value)


def quiet_credential_logs() -> None:
    """``alibabacloud_credentials`` logs every failed refresh of a link of its chain (a credentials URI,
    an ECS role, OIDC) with its traceback, to stderr through a handler of its own on the logger
    ``credentials``. The failure reaches us as an exception anyway, which ``cli.py`` turns into one
    line saying what to set; ``disabled`` holds whenever the package is imported, before or after."""
    import logging

    for name in ("credentials", "alibabacloud_credentials"):
        logging.getLogger(name).disabled = True
