"""What checking cloud inputs costs and how it meets a failing service, counted on the sandbox's side:
bytes and requests per object against the local probe, a listing throttled page by page, an object
whose reads keep failing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import FAST_RETRY, REGION, build_services, oss_bucket
from tests.media import CASES
from validator.cloud.errors import CloudError
from validator.cloud.inputs import CloudInput, InputKind, cloud_input
from validator.cloud.listing import Page, list_videos
from validator.cloud.options import FlowOptions
from validator.cloud.remote_checks import check_all, check_one
from validator.probe import probe
from validator.sandbox import Sandbox
from validator.sandbox.faults import Service

Media = Callable[[str], Path]
OPTIONS = FlowOptions(region=REGION, bucket=None, media_poll_seconds=0.05, media_timeout_seconds=10)


def _object(bucket: str, key: str) -> CloudInput:
    found = cloud_input(f"oss://{bucket}/{key}")
    assert found is not None and found.kind is InputKind.OBJECT
    return found


@pytest.mark.parametrize("case", ["landscape", "moov_end", "fragmented", "vp9_alpha", "audio_longer_mkv"])
def test_an_object_costs_what_the_local_probe_reads(
    sandbox: Sandbox, media: Media, cache_dir: Path, case: str
) -> None:
    """At most 1.2x the local probe's bytes and 12 requests (a fragmented file may need more), as the
    sandbox counts them; the report is the local file's."""
    path = media(case)
    bucket = oss_bucket(sandbox)
    key = f"bars/{path.name}"
    bucket.put_object_from_file(key, str(path))
    sandbox.requests.clear()
    found = check_one(_object(bucket.bucket_name, key), build_services(sandbox, cache_dir), None, OPTIONS)
    served = [e for e in sandbox.requests.entries(service=Service.OSS) if e.params.get("Key") == key]
    sent = sum(e.bytes_sent for e in served)
    assert found.read is not None and found.read.bytes_read == sent  # both sides count the same bytes
    assert sent <= 1.2 * probe(str(path)).bytes_read
    assert len(served) == found.read.requests
    if not CASES[case].facts.get("fragmented"):
        assert len(served) <= 12
    assert {f.rule for f in found.report.findings} == set(CASES[case].errors | CASES[case].warnings)


def test_a_throttled_listing_is_retried_page_by_page(sandbox: Sandbox) -> None:
    bucket = oss_bucket(sandbox)
    keys = [f"many/{n:02d}.mp4" for n in range(23)] + ["many/readme.md", "many/sub/x.mov"]
    for key in keys:
        bucket.put_object(key, b"\0")
    sandbox.faults.set(throttle_share=0.4, services=["oss"], seed=7)
    retries: list[CloudError] = []
    pages: list[Page] = []
    listed = list_videos(
        bucket,
        "many/",
        policy=FAST_RETRY,
        on_retry=lambda attempt, wait, error: retries.append(error),
        on_page=pages.append,
        page_keys=5,
    )
    assert [o.key for o in listed] == sorted(k for k in keys if not k.endswith(".md"))
    throttled = sandbox.requests.entries("ListObjects", ok=False)
    assert throttled and len(retries) == len(throttled)  # every throttled page was asked again
    assert {e.code for e in throttled} == {"ServiceUnavailable"}
    assert [p.objects for p in pages] == [5, 10, 15, 20, 25]  # a progress report for each page


def test_an_object_that_keeps_failing_is_a_finding_and_the_batch_goes_on(
    sandbox: Sandbox, media: Media, cache_dir: Path
) -> None:
    bucket = oss_bucket(sandbox)
    bucket.put_object_from_file("flaky/a.mp4", str(media("landscape")))
    bucket.put_object_from_file("flaky/b.mp4", str(media("landscape")))
    services = build_services(sandbox, cache_dir)
    fails = "flaky/b.mp4"
    sandbox.faults.set(error_share=1.0, services=["oss"], seed=1)  # every request answers 500 or 503
    down = check_one(_object(bucket.bucket_name, fails), services, None, OPTIONS)
    sandbox.faults.clear()
    assert [f.rule for f in down.report.findings] == ["file-unreadable"]
    assert down.read is None and "again" in (down.report.findings[0].fix or "")
    tries = sandbox.requests.entries(ok=False, service=Service.OSS)
    assert len(tries) == FAST_RETRY.attempts  # retried as update retries, then reported
    inputs = [_object(bucket.bucket_name, "flaky/a.mp4"), down.input]
    both = check_all(inputs, services, None, OPTIONS, jobs=2)
    assert [r.report.path for r in both] == [i.value for i in inputs]  # in input order
    assert all(r.report.facts is not None for r in both)  # the service is back: both read
