"""Figures that need a server: the remote probe over HTTP Range and the upload, against the sandbox.

Both run the product's own code (``validator.cloud``: the oss2-backed store and the ranged reader
``update`` uses) against ``avatar-preflight sandbox`` on 127.0.0.1 in its own process, beside the
alternative in the same run: a local probe of the same file, and a single raw HTTP PUT of the same
file to the same server.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING

from bench.corpus import Item

if TYPE_CHECKING:
    from validator.cloud.storage import OssObjectStore

BUCKET = "bench"
CHUNK = 1024 * 1024


def _store(sandbox: Served, cache: Path) -> OssObjectStore:
    from validator.cloud.credentials import static
    from validator.cloud.storage import OssObjectStore

    creds = static(sandbox.access_key_id, sandbox.access_key_secret)
    return OssObjectStore(sandbox.oss_endpoint, BUCKET, sandbox.region, creds, cache_dir=cache)


def raw_put(sandbox: Served, key: str, path: Path) -> float:
    """Seconds for one signed (V1) PUT of ``path``, streamed from disk over http.client."""
    host, port = sandbox.endpoint.rsplit(":", 1)
    date = formatdate(usegmt=True)
    to_sign = f"PUT\n\napplication/octet-stream\n{date}\n/{BUCKET}/{key}"
    signature = base64.b64encode(
        hmac.new(sandbox.access_key_secret.encode(), to_sign.encode(), hashlib.sha1).digest()
    ).decode()
    size = path.stat().st_size
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.putrequest("PUT", f"/{BUCKET}/{key}")
    for name, value in (
        ("Date", date),
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", str(size)),
        ("Authorization", f"OSS {sandbox.access_key_id}:{signature}"),
    ):
        conn.putheader(name, value)
    conn.endheaders()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            conn.send(block)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"raw PUT answered {response.status}")
    return time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Served:
    """A sandbox running in its own process, as ``avatar-preflight sandbox`` prints it."""

    endpoint: str
    oss_endpoint: str
    access_key_id: str
    access_key_secret: str
    region: str


@contextlib.contextmanager
def sandbox_process(data_dir: Path) -> Iterator[Served]:
    """``avatar-preflight sandbox`` in a child process: a server does not share the client's GIL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "validator", "sandbox", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info: dict[str, str] = {}
        for line in iter(proc.stdout.readline, ""):  # the export lines, up to the closing unset
            if line.startswith("unset "):
                break
            if line.startswith("export "):
                name, value = line.removeprefix("export ").rstrip("\n").split("=", 1)
                info[name] = shlex.split(value)[0]
        yield Served(
            info["AVATAR_PREFLIGHT_ENDPOINT"],
            info["AVATAR_PREFLIGHT_OSS_ENDPOINT"],
            info["ALIBABA_CLOUD_ACCESS_KEY_ID"],
            info["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
            info["AVATAR_PREFLIGHT_REGION"],
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass(frozen=True, slots=True)
class RemoteRead:
    """One file probed over HTTP Range and locally."""

    name: str
    kind: str
    remote_bytes: int
    requests: int
    """Range requests made (the size lookup included)."""
    local_bytes: int


@dataclass(frozen=True, slots=True)
class Upload:
    """Our upload and a raw PUT of the same file: the medians of alternating rounds."""

    name: str
    size: int
    ours_s: float
    raw_s: float
    rounds: int


@dataclass(frozen=True, slots=True)
class Measured:
    """What :func:`measure` found."""

    remote: list[RemoteRead]
    upload: Upload


def _remote_reads(store: OssObjectStore, singles: list[Item]) -> list[RemoteRead]:
    from validator.cloud.remote import ObjectRangeSource
    from validator.probe import probe, probe_source

    found = []
    for item in singles:
        key = f"remote/{item.name}"
        store.upload(key, item.path)
        source = ObjectRangeSource(store, BUCKET, key)
        remote = probe_source(source, item.name)
        local = probe(item.path)
        found.append(RemoteRead(item.name, item.kind, remote.bytes_read, source.requests, local.bytes_read))
    return found


def _uploads(store: OssObjectStore, sandbox: Served, item: Item, rounds: int) -> Upload:
    ours_s: list[float] = []
    raw_s: list[float] = []
    for n in range(rounds):
        # Each side starts with nothing waiting to be written back: the gigabytes stored before
        # (and the other side's 800 MB) would otherwise slow whichever upload came first.
        os.sync()
        started = time.perf_counter()
        store.upload(f"upload/ours-{n}{item.path.suffix}", item.path)
        ours_s.append(time.perf_counter() - started)
        os.sync()
        raw_s.append(raw_put(sandbox, f"upload/raw-{n}{item.path.suffix}", item.path))
    size = item.path.stat().st_size
    return Upload(item.name, size, statistics.median(ours_s), statistics.median(raw_s), rounds)


def measure(singles: list[Item], upload_item: Item, rounds: int = 3) -> Measured:
    """Remote probe bytes and requests per file, and upload throughput against a raw PUT (medians of
    ``rounds`` alternating uploads, each object a new key)."""
    with (
        tempfile.TemporaryDirectory(prefix="avatar-bench-") as tmp,
        sandbox_process(Path(tmp) / "sb") as sandbox,
    ):
        store = _store(sandbox, Path(tmp) / "checkpoints")
        return Measured(_remote_reads(store, singles), _uploads(store, sandbox, upload_item, rounds))
