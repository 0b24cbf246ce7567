"""``jobs --audit`` over 200 jobs against the sandbox on loopback, beside the route a user would script.

The sandbox runs in its own process (``avatar-preflight sandbox``). A handful of realistic takes (5.5
minutes of 1080p H.264 padded to about 1 Mbit/s, in MP4 and MOV, one with the index at the end, and
a VP9 take with alpha) are uploaded with oss2 and registered as media; the 200 jobs share them, some with a
contradicting Transparent, some submitted (they train to Success or Fail in the sandbox's first
seconds). Both sides are whole processes, timed alternately:

- ours: ``avatar-preflight jobs --audit --format json`` (its default concurrency);
- the scripted route: one Python process with the official SDK and oss2 that lists every page and, for
  each job, calls GetAvatarTrainingJob and GetMediaInfo, downloads the video with oss2 and checks the
  download with this project's own ``check_file`` (the same judgement, so only the route differs).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from bench.corpus import _padded_remux
from bench.harness import CLI, ENV, Row, paired, pairs_note
from bench.remote import Served, sandbox_process

BUCKET = "bench-audit"
TARGET_SECONDS = 20.0
CORPUS_VERSION = "1"
BITRATE = 1_000_000
"""Bits per second of the padded takes: about 41 MB for 5.5 minutes."""

SCRIPT = r"""
import os, sys, tempfile
from urllib.parse import urlsplit, unquote

import oss2
from alibabacloud_ice20201109 import models
from alibabacloud_ice20201109.client import Client
from alibabacloud_tea_openapi.models import Config

from validator.check import check_file

env = os.environ
region = env["AVATAR_PREFLIGHT_REGION"]
ak, sk = env["ALIBABA_CLOUD_ACCESS_KEY_ID"], env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]
ice = Client(Config(access_key_id=ak, access_key_secret=sk, endpoint=env["AVATAR_PREFLIGHT_ENDPOINT"],
                    protocol="http", region_id=region))
auth = oss2.AuthV4(ak, sk)
buckets = {}
failed = page = 0
with tempfile.TemporaryDirectory() as folder:
    while True:
        page += 1
        asked = models.ListAvatarTrainingJobsRequest(page_no=page, page_size=100)
        listing = ice.list_avatar_training_jobs(asked)
        for item in listing.body.data.avatar_training_job_list or []:
            request = models.GetAvatarTrainingJobRequest(job_id=item.job_id)
            job = ice.get_avatar_training_job(request).body.data.avatar_training_job
            if not job.video:
                continue
            info = ice.get_media_info(models.GetMediaInfoRequest(media_id=job.video)).body.media_info
            url = urlsplit(info.file_info_list[0].file_basic_info.file_url)
            name, key = url.hostname.split(".")[0], unquote(url.path.lstrip("/"))
            if name not in buckets:
                buckets[name] = oss2.Bucket(auth, env["AVATAR_PREFLIGHT_OSS_ENDPOINT"], name, region=region)
            path = os.path.join(folder, os.path.basename(key))
            buckets[name].get_object_to_file(key, path)
            failed += check_file(path, bool(job.transparent)).failed()
            os.remove(path)
        if page * 100 >= listing.body.data.total_count:
            break
print(failed)
"""


def _takes(folder: Path, quick: bool) -> list[Path]:
    """The shared videos, made once per corpus version (``--quick``: short and unpadded)."""
    from samples.generate import VideoSpec, generate

    folder = folder / (f"audit-v{CORPUS_VERSION}-quick" if quick else f"audit-v{CORPUS_VERSION}")
    folder.mkdir(parents=True, exist_ok=True)
    seconds = 20.0 if quick else 330.0
    base_spec = VideoSpec(
        "mp4", codec="h264", width=1920, height=1080, duration=seconds, audio_duration=seconds
    )
    base = folder / "base.mp4"
    if not base.exists():
        generate(base_spec, base)
    takes = [base] if quick else []
    if not quick:
        for name, fmt, options in (
            ("take-a.mp4", "mp4", {"movflags": "+faststart"}),
            ("take-b.mov", "mov", {"movflags": "+faststart"}),
            ("take-c-moov-end.mp4", "mp4", {}),
        ):
            path = folder / name
            if not path.exists():
                _padded_remux(base, path, fmt, options, base_spec.fps, BITRATE)
            takes.append(path)
    alpha = folder / "take-alpha.webm"
    if not alpha.exists():
        generate(replace(base_spec, container="webm", codec="vp9", alpha=True), alpha)
    takes.append(alpha)
    return takes


def _env(sandbox: Served, home: Path) -> dict[str, str]:
    env = {k: v for k, v in ENV.items() if not k.startswith(("ALIBABA_CLOUD_", "AVATAR_PREFLIGHT_"))}
    env.update(
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
        ALIBABA_CLOUD_CLI_PROFILE_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        ALIBABA_CLOUD_ACCESS_KEY_ID=sandbox.access_key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox.access_key_secret,
        AVATAR_PREFLIGHT_REGION=sandbox.region,
        AVATAR_PREFLIGHT_ENDPOINT=sandbox.endpoint,
        AVATAR_PREFLIGHT_OSS_ENDPOINT=sandbox.oss_endpoint,
    )
    return env


def _seed(sandbox: Served, takes: list[Path], count: int) -> None:
    """Upload and register the takes, then ``count`` jobs over them: one in ten with a contradicting
    Transparent, one in four submitted (Success, or Fail for a contradicting flag), none with a Portrait."""
    import oss2
    from alibabacloud_ice20201109 import models
    from alibabacloud_ice20201109.client import Client
    from alibabacloud_tea_openapi.models import Config

    ice = Client(
        Config(
            access_key_id=sandbox.access_key_id,
            access_key_secret=sandbox.access_key_secret,
            endpoint=sandbox.endpoint,
            protocol="http",
            region_id=sandbox.region,
        )
    )
    bucket = oss2.Bucket(
        oss2.AuthV4(sandbox.access_key_id, sandbox.access_key_secret),
        sandbox.oss_endpoint,
        BUCKET,
        region=sandbox.region,
    )
    media: list[tuple[str, bool]] = []
    for path in takes:
        bucket.put_object_from_file(f"takes/{path.name}", str(path))
        request = models.RegisterMediaInfoRequest(
            input_url=f"oss://{BUCKET}/takes/{path.name}", media_type="video"
        )
        media.append((ice.register_media_info(request).body.media_id, path.suffix == ".webm"))
    _wait_normal(ice, [m for m, _ in media])
    for n in range(count):
        media_id, alpha = media[n % len(media)]
        request = models.CreateAvatarTrainingJobRequest(
            avatar_name=f"b{n:03d}", video=media_id, transparent=alpha != (n % 10 == 3)
        )
        job_id = ice.create_avatar_training_job(request).body.data.job_id
        if n % 4 == 1:
            ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=job_id))


def _wait_normal(ice: Any, media_ids: list[str]) -> None:
    from alibabacloud_ice20201109 import models

    deadline = time.monotonic() + 120
    for media_id in media_ids:
        while True:
            info = ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.media_info
            if info.media_basic_info.status != "Preparing":
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"media {media_id} is still Preparing")
            time.sleep(0.2)


def rows(corpus: Path, pairs: int, quick: bool) -> list[Row]:
    """The row: our audit against the scripted route, ``pairs`` alternations (whole processes)."""
    count = 10 if quick else 200
    takes = _takes(corpus, quick)
    with (
        tempfile.TemporaryDirectory(prefix="avatar-bench-audit-") as tmp,
        sandbox_process(Path(tmp) / "sb") as sb,
    ):
        _seed(sb, takes, count)
        env = _env(sb, Path(tmp))
        ours_cmd = [*CLI, "jobs", "--audit", "--format", "json"]
        theirs_cmd = [sys.executable, "-c", SCRIPT]
        # the jobs submitted while seeding finish training in the sandbox's first seconds (their
        # verdict examines the video once): both warm-up runs are left out of the figures
        result = paired(partial(_quiet, ours_cmd, env), partial(_quiet, theirs_cmd, env), pairs)
        mb = statistics.mean(p.stat().st_size for p in takes) / 1e6
    return [
        Row(
            f"jobs --audit: {count} jobs ({len(takes)} shared takes, ~{mb:.1f} MB each)",
            result.ours,
            result.alternative,
            "s",
            f"<= {TARGET_SECONDS:g} s",
            None if quick else result.ours <= TARGET_SECONDS,
            f"{pairs_note(pairs)}; alternative: SDK + oss2 download + local check per job; "
            f"{os.cpu_count()} cores",
            paired_ratio=result.ratio,
        )
    ]


def _quiet(cmd: list[str], env: dict[str, str]) -> None:
    """Run ``cmd`` in the sandbox's environment, its output discarded (exit 1, findings, is expected)."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
