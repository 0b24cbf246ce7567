"""The whole flow against the local sandbox, with the official clients only.

Create a job, upload a video with oss2, register it, update the job with the video and its
Transparent flag, submit, and watch it reach Success::

    python -m samples.sandbox_demo                      # starts its own sandbox
    python -m samples.sandbox_demo --endpoint 127.0.0.1:8765 --access-key-id ... --access-key-secret ...

Against a sandbox started with ``avatar-preflight sandbox``, pass the endpoint and key pair it printed.
"""

from __future__ import annotations

import os

# Explicit keys are used below, but keep the credential chain off the network all the same.
os.environ.setdefault("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
os.environ.setdefault("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")

import argparse
import contextlib
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

DEMO_VIDEO = Path(__file__).parent / "demo" / "avatar-landscape.mp4"
BUCKET, KEY, REGION = "avatar-demo", "training/avatar-landscape.mp4", "cn-shanghai"


def run(endpoint: str, key_id: str, secret: str, video: Path) -> str:
    """Create, upload, register, update, submit, poll; return the final status."""
    import oss2
    from alibabacloud_ice20201109 import models
    from alibabacloud_ice20201109.client import Client
    from alibabacloud_tea_openapi.models import Config

    ice = Client(
        Config(
            access_key_id=key_id,
            access_key_secret=secret,
            endpoint=endpoint,
            protocol="http",
            region_id=REGION,
        )
    )
    job_id = ice.create_avatar_training_job(
        models.CreateAvatarTrainingJobRequest(avatar_name="demo", avatar_type="2DAvatar")
    ).body.data.job_id
    print(f"1. created job {job_id}")

    bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), f"http://{endpoint}", BUCKET, region=REGION)
    oss2.resumable_upload(bucket, KEY, str(video), multipart_threshold=1024 * 1024, part_size=1024 * 1024)
    print(f"2. uploaded {video.name} to oss://{BUCKET}/{KEY}")

    media_id = ice.register_media_info(
        models.RegisterMediaInfoRequest(input_url=f"oss://{BUCKET}/{KEY}", media_type="video")
    ).body.media_id
    while (
        info := ice.get_media_info(models.GetMediaInfoRequest(media_id=media_id)).body.media_info
    ).media_basic_info.status == "Preparing":
        time.sleep(0.2)
    basic = info.file_info_list[0].file_basic_info if info.file_info_list else None
    print(
        f"3. registered media {media_id}: {info.media_basic_info.status}"
        + (f" ({basic.width}x{basic.height}, {float(basic.duration):.0f} s)" if basic else "")
    )

    ice.update_avatar_training_job(
        models.UpdateAvatarTrainingJobRequest(job_id=job_id, video=media_id, transparent=False)
    )
    print("4. updated the job: Video set, Transparent=False")

    ice.submit_avatar_training_job(models.SubmitAvatarTrainingJobRequest(job_id=job_id))
    print("5. submitted")
    last = ""
    while True:
        job = ice.get_avatar_training_job(
            models.GetAvatarTrainingJobRequest(job_id=job_id)
        ).body.data.avatar_training_job
        if job.status != last:
            print(f"   status: {job.status}" + (f" ({job.message})" if job.message else ""))
            last = job.status
        if job.status in ("Success", "Fail"):
            return str(job.status)
        time.sleep(0.2)


@contextlib.contextmanager
def demo_video(given: Path | None) -> Iterator[Path]:
    """The video to upload: the one given, the shipped demo, or a freshly generated one."""
    if given is not None or DEMO_VIDEO.exists():
        yield given or DEMO_VIDEO
        return
    from samples.generate import VideoSpec, generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "avatar-landscape.mp4"
        yield generate(
            VideoSpec("mp4", codec="h264", width=1920, height=1080, duration=330, audio_duration=330), path
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", help="HOST:PORT of a running sandbox (default: start one)")
    parser.add_argument("--access-key-id")
    parser.add_argument("--access-key-secret")
    parser.add_argument("--video", type=Path, help="video to upload (default: the demo sample)")
    args = parser.parse_args(argv)

    with demo_video(args.video) as video, contextlib.ExitStack() as stack:
        if args.endpoint:
            endpoint, key_id, secret = args.endpoint, args.access_key_id, args.access_key_secret
        else:
            from validator.sandbox import Sandbox, SandboxConfig

            sandbox = stack.enter_context(
                Sandbox(SandboxConfig(queue_seconds=1, train_seconds=2, prepare_seconds=0.5))
            )
            endpoint, key_id = sandbox.endpoint, sandbox.access_key_id
            secret = sandbox.access_key_secret
            print(f"0. sandbox listening on {endpoint}")
        status = run(endpoint, key_id, secret, video)
    return 0 if status == "Success" else 1


if __name__ == "__main__":
    raise SystemExit(main())
