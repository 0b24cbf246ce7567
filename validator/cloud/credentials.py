"""Credentials from the standard Alibaba Cloud chain, and the redacting value that carries them.

The chain (``alibabacloud-credentials``): environment variables, OIDC, the aliyun CLI profile,
``~/.alibabacloud/credentials.ini``, the ECS RAM role, a credentials URI. ``--profile NAME`` narrows it
to that profile (aliyun CLI first, then the credentials file). A chain that finds nothing becomes one
:class:`~validator.cloud.errors.CredentialsError` naming the variables to set; a secret never reaches
a message, a ``repr`` or a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from validator.cloud.errors import CredentialsError

if TYPE_CHECKING:
    from alibabacloud_credentials.client import Client
    from alibabacloud_credentials.provider.refreshable import Credentials as ProviderCredentials

MISSING = (
    "no Alibaba Cloud credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS), "
    "or configure a profile with 'aliyun configure' and pass --profile"
)


@dataclass(frozen=True)
class Credentials:
    """One resolved credential. ``repr`` shows the key ID's first characters, never the secret."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    provider: str = "static"
    """Which link of the chain supplied it (``default/env``, ``cli_profile``...)."""

    def __repr__(self) -> str:
        shown = self.access_key_id[:4] + "***" if self.access_key_id else ""
        token = ", security_token=***" if self.security_token else ""
        return (
            f"Credentials(access_key_id={shown!r}, access_key_secret=***{token}, provider={self.provider!r})"
        )

    __str__ = __repr__


class CredentialSource(Protocol):
    """Something that yields current credentials (refreshing temporary ones as needed)."""

    def get(self) -> Credentials: ...

    def sdk_client(self) -> Client:
        """An ``alibabacloud_credentials.client.Client`` for the ICE SDK's ``Config(credential=...)``."""
        ...


class ChainCredentials:
    """The default chain, or one named profile; resolved on first use and on every refresh."""

    def __init__(self, profile: str | None = None, *, static: Credentials | None = None) -> None:
        self._profile = profile
        self._static = static
        self._client: Client | None = None

    def __repr__(self) -> str:
        what = "static" if self._static else f"profile={self._profile!r}" if self._profile else "default"
        return f"ChainCredentials({what})"

    def sdk_client(self) -> Client:
        if self._client is None:
            self._client = _build_client(self._profile, self._static)
        return self._client

    def get(self) -> Credentials:
        """Current credentials; raises :class:`CredentialsError` when the chain has none."""
        from alibabacloud_credentials.exceptions import CredentialException

        try:
            model = self.sdk_client().get_credential()
        except CredentialException as exc:
            if self._profile:
                raise CredentialsError(
                    f"credential profile {self._profile!r} was not found; {MISSING}"
                ) from exc
            raise CredentialsError(MISSING) from exc
        except (OSError, ValueError, KeyError) as exc:
            # A broken profile file: say which kind of problem, not the file's content.
            raise CredentialsError(f"{MISSING} ({type(exc).__name__} while reading the chain)") from exc
        key_id = getattr(model, "access_key_id", None)
        secret = getattr(model, "access_key_secret", None)
        if not key_id or not secret:
            raise CredentialsError(MISSING)
        return Credentials(
            key_id,
            secret,
            getattr(model, "security_token", None) or None,
            str(getattr(model, "provider_name", None) or getattr(model, "type", "chain")),
        )


def static(access_key_id: str, access_key_secret: str, security_token: str | None = None) -> ChainCredentials:
    """A fixed key pair (the embedded sandbox's), served through the same SDK interfaces."""
    return ChainCredentials(static=Credentials(access_key_id, access_key_secret, security_token, "static"))


def _build_client(profile: str | None, fixed: Credentials | None) -> Client:
    from alibabacloud_credentials.client import Client
    from alibabacloud_credentials.models import Config

    if fixed is not None:
        if fixed.security_token:
            return Client(
                Config(
                    type="sts",
                    access_key_id=fixed.access_key_id,
                    access_key_secret=fixed.access_key_secret,
                    security_token=fixed.security_token,
                )
            )
        return Client(
            Config(
                type="access_key",
                access_key_id=fixed.access_key_id,
                access_key_secret=fixed.access_key_secret,
            )
        )
    if profile is None:
        return Client()
    return Client(provider=_ProfileChain(profile))


class _ProfileChain:
    """``--profile NAME``: the aliyun CLI profile of that name, else the credentials-file section."""

    def __init__(self, name: str) -> None:
        from alibabacloud_credentials.provider import (
            CLIProfileCredentialsProvider,
            ProfileCredentialsProvider,
        )

        self._name = name
        self._providers = [
            CLIProfileCredentialsProvider(profile_name=name),
            ProfileCredentialsProvider(profile_name=name),
        ]

    def get_credentials(self) -> ProviderCredentials:
        from alibabacloud_credentials.exceptions import CredentialException

        for provider in self._providers:
            try:
                found = provider.get_credentials()
            except Exception:
                continue
            if found is not None:
                return found
        raise CredentialException(
            f"profile {self._name!r} was not found in the aliyun CLI configuration or the credentials file"
        )

    async def get_credentials_async(self) -> ProviderCredentials:
        return self.get_credentials()

    def get_provider_name(self) -> str:
        return f"profile:{self._name}"
