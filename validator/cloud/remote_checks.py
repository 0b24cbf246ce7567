"""Many cloud inputs checked where they are, side by side: one report per object, in input order.

Each input goes through :func:`validator.cloud.media.check_remote` (GetMediaInfo for a media ID,
then a headers-only probe over Range requests), in threads: a remote probe mostly waits on the
network, so ``jobs`` is a small multiple of the cores (:func:`default_jobs`). A prefix is listed
first (:mod:`validator.cloud.listing`) and stands for every video object under it.

An input that cannot be read is a finding for that input (``file-unreadable``, with what the service
said and what to do), and the batch goes on: a missing object or media asset, a 5xx that outlasted
its retries, a server that ignores Range requests. What no input could get past is raised instead,
so the run ends with exit 4 rather than a finding per input: a credential the service does not
accept, a clock it refuses, a listing it refuses.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from validator.cloud.errors import CloudError, RemoteReadError
from validator.cloud.inputs import CloudInput, InputKind
from validator.cloud.listing import Page
from validator.findings import FileReport
from validator.rules import checks

if TYPE_CHECKING:
    from validator.cloud.listing import Lister
    from validator.cloud.options import FlowOptions, Services
    from validator.cloud.remote import RemoteRead

NETWORK_JOBS_PER_CORE = 4
"""Remote probes in flight per core: each spends most of its time waiting for an answer."""
_FATAL_CODES = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSecurityToken",
    "SecurityTokenExpired",
    "MissingSecurityToken",
    "IncompleteSignature",
    "InvalidTimeStamp",
    "RequestTimeTooSkewed",
)
"""Codes that say the credential or the clock is wrong: every other input would meet them too."""
_MISSING = (
    "Check the bucket, key or media ID and the region (--region); 'avatar-preflight config' shows the "
    "endpoints used."
)


@dataclass(frozen=True, slots=True)
class CloudReport:
    """One cloud object, checked."""

    input: CloudInput
    report: FileReport
    read: RemoteRead | None
    """Requests and bytes the probe cost; ``None`` when the input could not be read at all."""


def default_jobs() -> int:
    """Remote probes run at once when ``--jobs`` is not given."""
    return NETWORK_JOBS_PER_CORE * (os.cpu_count() or 1)


def expand(
    inputs: Iterable[CloudInput], services: Services | None, on_page: Callable[[CloudInput, Page], None]
) -> list[CloudInput]:
    """Every prefix replaced by the video objects under it (``oss://BUCKET/KEY`` each), in key order.

    A prefix with no video under it is a usage error, as a folder with none is."""
    from validator.errors import UsageError

    out: list[CloudInput] = []
    for item in inputs:
        if item.kind is not InputKind.PREFIX:
            out.append(item)
            continue
        assert services is not None and item.bucket is not None
        store = cast("Lister", services.store)  # OssObjectStore: update's fakes need not list
        listed = store.list_videos(item.bucket, item.key, functools.partial(on_page, item))
        found = [
            CloudInput(InputKind.OBJECT, f"oss://{o.bucket}/{o.key}", o.bucket, o.key, item.region, o.size)
            for o in listed
        ]
        if not found:
            raise UsageError(f"no video objects under {item.value}")
        out.extend(found)
    return out


def check_all(
    inputs: Sequence[CloudInput],
    services: Services | None,
    declared: bool | None,
    options: FlowOptions,
    *,
    jobs: int | None = None,
    on_done: Callable[[CloudReport], None] | None = None,
) -> list[CloudReport]:
    """Check every (expanded) input, ``jobs`` at a time; the reports in input order."""
    workers = max(1, min(jobs or default_jobs(), len(inputs) or 1))

    def one(item: CloudInput) -> CloudReport:
        started = time.perf_counter()
        found = check_one(item, services, declared, options)
        found = replace(found, report=replace(found.report, seconds=time.perf_counter() - started))
        if on_done is not None:
            on_done(found)
        return found

    if workers == 1:
        return [one(item) for item in inputs]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="remote-check")
    try:
        return list(pool.map(one, inputs))
    finally:  # after a refusal or Ctrl-C, the inputs not yet started are not started
        pool.shutdown(wait=True, cancel_futures=True)


def check_one(
    item: CloudInput, services: Services | None, declared: bool | None, options: FlowOptions
) -> CloudReport:
    """One object, URL or media ID: its report, or ``file-unreadable`` when it cannot be read."""
    from validator.cloud.media import check_remote
    from validator.cloud.params import MediaRef, RefKind

    if item.region is not None and item.region != options.region:
        reason = f"it is in region {item.region}, this run reads region {options.region}"
        return CloudReport(
            item, _unreachable(item, reason, f"Use --region {item.region}.", declared, options), None
        )
    if item.kind is InputKind.MEDIA_ID:
        ref = MediaRef(RefKind.MEDIA_ID, item.value)
    else:
        ref = MediaRef(RefKind.OSS, item.location, item.bucket, item.key or None, item.region)
    try:
        checked = check_remote(ref, services, declared, options, short_name=True, size=item.size)
    except CloudError as exc:
        if exc.code.startswith(_FATAL_CODES):
            raise
        return CloudReport(item, _unreachable(item, exc.describe(), _fix(exc), declared, options), None)
    except RemoteReadError as exc:
        fix = (
            "Check the URL, and that the server answers Range requests (HTTP 206)."
            if item.kind is InputKind.URL
            else _MISSING
        )
        return CloudReport(item, _unreachable(item, str(exc), fix, declared, options), None)
    # Named as given (a listed object as oss://BUCKET/KEY); the findings and fixes name the file.
    report = checked.report
    facts = None if report.facts is None else replace(report.facts, path=item.value)
    return CloudReport(item, replace(report, path=item.value, facts=facts), checked.read)


def _unreachable(
    item: CloudInput, reason: str, fix: str, declared: bool | None, options: FlowOptions
) -> FileReport:
    found = checks.unreadable(item.value, f"cannot read it: {reason}", profile=options.profile, fix=fix)
    return FileReport(item.value, None, found, declared)


def _fix(error: CloudError) -> str:
    from validator.cloud.advice import advice

    if error.action == "GetMediaInfo" and not error.code.startswith("NotFound"):
        return (
            f"The media asset is not usable ({error.code}): register the file again "
            "(RegisterMediaInfo), or check the object it points at."
        )
    said = advice(error)
    if said:
        return said[0].upper() + said[1:] + "."
    if (error.status or 0) >= 500 or error.code == "NetworkError":
        return "The service failed after several retries: run the check again in a minute."
    return (
        "Check the bucket, key or media ID, and the region (--region); 'avatar-preflight config' shows them."
    )
