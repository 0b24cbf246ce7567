"""``check`` of cloud inputs against the sandbox on loopback: what one object costs, and a prefix of
many objects in one call beside the route a user would script.

Per object, the bytes and requests are counted on the sandbox's side (its request log, so the sandbox
runs in this process for these rows; nothing is timed there) beside the local probe's bytes (the
counting reader's figure). The prefix row times ``avatar-preflight check oss://bench/takes/`` against
a script that lists the prefix with oss2, downloads every object with ``get_object_to_file``, then
runs ``avatar-preflight check`` on the folder, alternately; the sandbox then runs in its own process
(``avatar-preflight sandbox``), so the server does not share either client's interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from bench.corpus import Item, _padded_remux
from bench.harness import CLI, ENV, Row, paired, pairs_note
from bench.remote import BUCKET, Served, sandbox_process

PREFIX = "takes/"
TAKE_SECONDS = 40.0
"""Length of the prefix's takes: ~35 MB each at the corpus's 7 Mbit/s, so the download is honest."""

_ROUTE = textwrap.dedent(
    """
    import os, subprocess, sys
    import oss2
    endpoint, key_id, secret, region, folder = sys.argv[1:6]
    bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), endpoint, "{bucket}", region=region)
    for obj in oss2.ObjectIterator(bucket, prefix="{prefix}"):
        target = os.path.join(folder, obj.key.replace("/", "_"))
        bucket.get_object_to_file(obj.key, target)
    sys.exit(subprocess.run([*sys.argv[6:], "check", "-q", "-f", "json", folder]).returncode)
    """
).format(bucket=BUCKET, prefix=PREFIX)
"""The route a user would script: list, download each object, check the folder with the product."""


def per_object(singles: list[Item]) -> list[Row]:
    """Bytes and requests per object as the sandbox counts them, beside the local probe's bytes."""
    import oss2

    from validator.cloud.inputs import cloud_input
    from validator.cloud.options import FlowOptions
    from validator.cloud.remote_checks import check_one
    from validator.probe import probe
    from validator.sandbox import Sandbox, SandboxConfig
    from validator.sandbox.faults import Service

    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="avatar-bench-cloud-") as tmp,
        Sandbox(SandboxConfig(data_dir=Path(tmp) / "sb")) as sandbox,
    ):
        services = _services(sandbox, Path(tmp) / "cache")
        bucket = oss2.Bucket(
            oss2.AuthV4(sandbox.access_key_id, sandbox.access_key_secret),
            sandbox.oss_endpoint,
            BUCKET,
            region=sandbox.region,
        )
        options = FlowOptions(region=sandbox.region, bucket=None)
        for item in singles:
            key = f"one/{item.path.name}"
            bucket.put_object_from_file(key, str(item.path))
            sandbox.requests.clear()
            given = cloud_input(f"oss://{BUCKET}/{key}")
            assert given is not None
            check_one(given, services, None, options)
            served = [e for e in sandbox.requests.entries(service=Service.OSS) if e.params.get("Key") == key]
            sent = sum(e.bytes_sent for e in served)
            local = probe(item.path).bytes_read
            fragmented = item.kind == "mp4-fragmented"
            rows.append(
                Row(
                    f"cloud check bytes vs local probe: {item.name}",
                    sent,
                    local,
                    "B",
                    "<= 1.2x; <= 12 requests unless fragmented",
                    sent <= 1.2 * local and (fragmented or len(served) <= 12),
                    f"{len(served)} requests (sandbox's count); object {item.path.stat().st_size} B",
                )
            )
    return rows


def _services(sandbox: Any, cache: Path) -> Any:
    from validator.cloud.connect import connect
    from validator.cloud.credentials import static
    from validator.cloud.settings import Setting, Settings

    here = "bench"
    settings = Settings(
        Setting(sandbox.region, here),
        Setting(sandbox.endpoint, here),
        Setting(BUCKET, here),
        Setting(sandbox.oss_endpoint, here),
        Setting("", here),
        Setting(None, here),
    )
    return connect(settings, static(sandbox.access_key_id, sandbox.access_key_secret), cache_dir=cache)


def _takes(folder: Path, base: Path, seconds: float) -> list[Path]:
    """Two realistic takes (index first, index last) cut from the corpus's base file, made once."""
    import av

    out = []
    for name, options in (("take-faststart.mp4", {"movflags": "+faststart"}), ("take-moov-end.mp4", {})):
        target = folder / f"{seconds:g}s-{name}"
        if not target.exists():
            cut = folder / f"{seconds:g}s-cut.mp4"
            with av.open(str(base)) as inp, av.open(str(cut), "w") as dst:
                streams = {
                    s.index: dst.add_stream_from_template(s)
                    for s in inp.streams
                    if s.type in ("video", "audio")
                }
                for packet in inp.demux():
                    if packet.stream.index in streams and packet.dts is not None and packet.size:
                        if float(packet.dts * packet.time_base) > seconds:
                            continue
                        packet.stream = streams[packet.stream.index]
                        dst.mux(packet)
            _padded_remux(cut, target, "mp4", options, 30)
            cut.unlink()
        out.append(target)
    return out


def prefix_row(base: Path, count: int, pairs: int) -> Row:
    """``count`` objects under one prefix: one ``check`` call against the scripted download route."""
    folder = base.parent
    takes = _takes(folder, base, TAKE_SECONDS if count > 20 else 10.0)
    with (
        tempfile.TemporaryDirectory(prefix="avatar-bench-prefix-") as tmp,
        sandbox_process(Path(tmp) / "sb") as served,
    ):
        size = _upload(served, takes, count)
        env = {**ENV, **_environment(served, Path(tmp))}
        ours_cmd = [*CLI, "check", "-q", "-f", "json", f"oss://{BUCKET}/{PREFIX}"]
        downloads = Path(tmp) / "downloads"

        def ours() -> None:
            _verdicts(subprocess.run(ours_cmd, env=env, capture_output=True, text=True, check=False), count)

        def route() -> None:
            downloads.mkdir(exist_ok=True)
            for old in downloads.iterdir():
                old.unlink()
            args = [served.oss_endpoint, served.access_key_id, served.access_key_secret, served.region]
            cmd = [sys.executable, "-c", _ROUTE, *args, str(downloads), *CLI]
            _verdicts(subprocess.run(cmd, env=env, capture_output=True, text=True, check=False), count)

        found = paired(ours, route, pairs, warm=False)
    return Row(
        f"{count} objects under one prefix: check oss://B/P/ vs download + check",
        found.ours,
        found.alternative,
        "s",
        "<= 0.1x",
        found.ratio <= 0.1,
        f"{size / count / 1e6:.0f} MB objects, {size / 1e9:.1f} GB in all; {pairs_note(pairs)}, alternating",
        paired_ratio=found.ratio,
    )


def _upload(served: Served, takes: list[Path], count: int) -> int:
    import oss2

    bucket = oss2.Bucket(
        oss2.AuthV4(served.access_key_id, served.access_key_secret),
        served.oss_endpoint,
        BUCKET,
        region=served.region,
    )
    size = 0
    for n in range(count):
        take = takes[n % len(takes)]
        bucket.put_object_from_file(f"{PREFIX}day{n % 4}/take-{n:03d}.mp4", str(take))
        size += take.stat().st_size
    return size


def _environment(served: Served, home: Path) -> dict[str, str]:
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": served.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": served.access_key_secret,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        "ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true",
        "AVATAR_PREFLIGHT_REGION": served.region,
        "AVATAR_PREFLIGHT_ENDPOINT": served.endpoint,
        "AVATAR_PREFLIGHT_OSS_ENDPOINT": served.oss_endpoint,
        "NO_PROXY": "127.0.0.1,localhost",
        "HOME": str(home),
    }


def _verdicts(done: subprocess.CompletedProcess[str], count: int) -> None:
    """Both sides must have checked every object (a side that failed early would look fast)."""
    files = json.loads(done.stdout)["files"] if done.stdout.startswith("{") else []
    if len(files) != count:
        raise RuntimeError(
            f"checked {len(files)} of {count} objects (exit {done.returncode}): {done.stderr[-500:]}"
        )


def rows(corpus: dict[str, list[Item]], quick: bool, pairs: int) -> list[Row]:
    """The section: per-object rows on the corpus's singles, then the prefix row."""
    base = corpus["single"][0].path.parent / "base.mp4"
    found = per_object(corpus["single"])
    found.append(prefix_row(base, 10 if quick else 200, 1 if quick else pairs))
    os.sync()
    return found
