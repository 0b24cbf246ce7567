"""The replay window's nonces: kept in the database, by the timestamp of their request, and dropped
once such a request would be refused as expired anyway."""

from __future__ import annotations

from pathlib import Path

from validator.sandbox.db import Database
from validator.sandbox.nonces import PRUNE_EVERY, Nonces

WINDOW = 900.0


def test_a_nonce_is_refused_within_the_window_across_connections(tmp_path: Path) -> None:
    first = Nonces(Database(tmp_path / "db.sqlite3"), WINDOW)
    assert first.use("n-1", stamp=1000.0, now=1000.0)
    assert not first.use("n-1", stamp=1000.0, now=1001.0)
    again = Nonces(Database(tmp_path / "db.sqlite3"), WINDOW)  # as after a restart
    assert not again.use("n-1", stamp=1000.0, now=1800.0)


def test_expired_nonces_are_pruned(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    nonces = Nonces(db, WINDOW)
    assert nonces.use("old", stamp=0.0, now=0.0)
    later = WINDOW + 1
    for n in range(PRUNE_EVERY):  # enough new ones to trigger a pruning on the way
        assert nonces.use(f"new-{n}", stamp=later, now=later)
    remaining = {row["nonce"] for row in db.query("SELECT nonce FROM nonces")}
    assert "old" not in remaining and len(remaining) == PRUNE_EVERY
    nonces.prune(now=later + WINDOW + 1)
    assert db.query("SELECT nonce FROM nonces") == []
