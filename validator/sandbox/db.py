"""The sandbox's state in SQLite: jobs, media assets, object metadata, multipart uploads (with the
completions under way, so a crash mid-complete is finished at the next start) and the signature
nonces of the replay window (so a restart does not reopen it).

One connection serves every request thread, guarded by a re-entrant lock; statements are short, so
the lock is never held for long. Object bodies are not stored here but as files beside the database
(see :mod:`validator.sandbox.objects`). CRC-64 values exceed SQLite's signed integers and are kept
as decimal text.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    avatar_id TEXT,
    avatar_name TEXT NOT NULL,
    avatar_description TEXT,
    avatar_type TEXT,
    thumbnail TEXT,
    portrait TEXT,
    video TEXT,
    transparent INTEGER,
    status TEXT NOT NULL,
    message TEXT,
    trained INTEGER NOT NULL DEFAULT 0,
    create_time REAL NOT NULL,
    submit_time REAL,
    first_training_time REAL,
    last_training_time REAL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status);
CREATE TABLE IF NOT EXISTS media (
    media_id TEXT PRIMARY KEY,
    input_url TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    media_type TEXT,
    title TEXT,
    description TEXT,
    business_type TEXT,
    user_data TEXT,
    client_token TEXT UNIQUE,
    status TEXT NOT NULL,
    message TEXT,
    info TEXT,
    create_time REAL NOT NULL,
    modified_time REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_by_url ON media (input_url);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    crc64 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    object_type TEXT NOT NULL,
    last_modified REAL NOT NULL,
    PRIMARY KEY (bucket, key)
);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    initiated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    md5 TEXT NOT NULL,
    crc64 TEXT NOT NULL,
    last_modified REAL NOT NULL,
    file_offset INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (upload_id, part_number)
);
CREATE TABLE IF NOT EXISTS completing (
    upload_id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    crc64 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    nonce TEXT PRIMARY KEY,
    stamp REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS nonces_by_stamp ON nonces (stamp);
"""

_STATE_TABLES = ("jobs", "media", "objects", "uploads", "parts", "completing", "nonces")


class Database:
    """A thread-safe wrapper around one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(parts)")}
        if "file_offset" not in columns:  # a data directory from before parts shared a file
            self._conn.execute("ALTER TABLE parts ADD COLUMN file_offset INTEGER NOT NULL DEFAULT 0")
        if self.meta_get("schema_version") is None:
            self.meta_set("schema_version", SCHEMA_VERSION)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run several statements atomically (and exclusively among the sandbox's threads)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @property
    def lock(self) -> threading.RLock:
        """Held by :meth:`transaction`; take it to make a read-decide-write sequence exclusive."""
        return self._lock

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """All rows of a query."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """The first row of a query, or ``None``."""
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def save_row(self, table: str, columns: Sequence[str], values: Sequence[Any], *, insert: bool) -> None:
        """Insert a row, or update the one whose first column (the key) equals ``values[0]``."""
        if insert:
            marks = ", ".join("?" for _ in columns)
            self.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
        else:
            sets = ", ".join(f"{c} = ?" for c in columns[1:])
            self.execute(f"UPDATE {table} SET {sets} WHERE {columns[0]} = ?", [*values[1:], values[0]])

    def meta_get(self, key: str) -> str | None:
        """A stored setting."""
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def meta_set(self, key: str, value: str) -> None:
        """Store a setting."""
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def clear(self) -> None:
        """Forget every job, media asset, object and upload (settings such as keys stay)."""
        with self.transaction() as conn:
            for table in _STATE_TABLES:
                conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
