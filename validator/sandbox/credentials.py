"""The keys a sandbox accepts, shared by the ICE and OSS signature checks.

One permanent key pair, plus any number of temporary (STS) credentials, each bound to its security
token and optionally to an expiry time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from validator.sandbox.config import StsCredential


@dataclass(frozen=True)
class Credential:
    """A key pair the sandbox knows."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None
    """Set for temporary credentials: requests must carry this token."""
    expires_at: float | None = None
    """Epoch seconds after which a temporary credential is refused."""


class KeyRing:
    """Accepted credentials, by AccessKey ID; safe to extend while serving."""

    def __init__(self, access_key_id: str, access_key_secret: str) -> None:
        self._lock = threading.Lock()
        self._keys = {access_key_id: Credential(access_key_id, access_key_secret)}

    def add_sts(self, sts: StsCredential) -> None:
        """Accept a temporary credential."""
        with self._lock:
            self._keys[sts.access_key_id] = Credential(
                sts.access_key_id, sts.access_key_secret, sts.security_token, sts.expires_at
            )

    def lookup(self, access_key_id: str) -> Credential | None:
        with self._lock:
            return self._keys.get(access_key_id)
