"""Signature nonces of the replay window, kept in the sandbox database so a restart does not forget them.

A signed ICE request is accepted while its ``x-acs-date`` is within the allowed skew of the clock, so
its nonce must be remembered exactly that long: each is stored with that timestamp and dropped once a
request so dated would be refused as expired anyway. Held in memory, the window reopened at every
restart, and a captured request could be sent again.
"""

from __future__ import annotations

import sqlite3

from validator.sandbox.db import Database

PRUNE_EVERY = 256
"""Prune the expired nonces once per this many new ones: one indexed DELETE, not one per request."""


class Nonces:
    """The nonces seen, by the timestamp of the request that carried each."""

    def __init__(self, db: Database, window_seconds: float) -> None:
        self._db = db
        self._window = window_seconds
        self._added = 0

    def prune(self, now: float) -> None:
        """Forget the nonces of requests that are too old to pass the timestamp check anyway."""
        self._db.execute("DELETE FROM nonces WHERE stamp < ?", (now - self._window,))

    def use(self, nonce: str, stamp: float, now: float) -> bool:
        """Record ``nonce`` of a request dated ``stamp``; ``False`` if it was seen within the window."""
        with self._db.transaction() as conn:
            try:
                conn.execute("INSERT INTO nonces (nonce, stamp) VALUES (?, ?)", (nonce, stamp))
            except sqlite3.IntegrityError:
                return False
            self._added += 1
            if self._added % PRUNE_EVERY == 0:
                self.prune(now)
        return True
