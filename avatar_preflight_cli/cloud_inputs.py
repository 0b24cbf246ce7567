"""``check``'s cloud inputs: settings and credentials, then every input checked where it is.

Reached only when an argument names something in the cloud (:mod:`validator.cloud.inputs`), so a
``check`` of local files never resolves a credential or imports oss2 and the ICE SDK. Settings and
credentials are resolved as ``update`` resolves them (options, environment, project file; or
``--sandbox``); a credential is needed only by the inputs that sign their requests. Progress goes
to stderr: a line per page of a long listing, and a running count on a terminal.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, cast

from avatar_preflight_cli.args import CheckArgs
from avatar_preflight_cli.cloud_env import environment
from validator.cloud.inputs import InputKind
from validator.formats.text import Detail

if TYPE_CHECKING:
    from validator.cloud.ice import IceService
    from validator.cloud.inputs import CloudInput
    from validator.cloud.listing import Page
    from validator.cloud.remote_checks import CloudReport
    from validator.findings import FileReport
    from validator.profile import Profile

MEDIA_WAIT_SECONDS = 60.0
"""Longest wait for a media asset still ``Preparing`` (``update`` waits 15 minutes: it must)."""


def check_cloud(inputs: list[CloudInput], args: CheckArgs, rules: Profile) -> list[list[FileReport]]:
    """The reports of each input (a prefix has one per video object under it), in input order."""
    from validator.cloud.options import FlowOptions
    from validator.cloud.remote_checks import check_all, expand

    progress = _Progress(args.detail)
    quiet = args.detail is Detail.QUIET
    with environment(args.connection(), args.sandbox, quiet=quiet) as (settings, credentials):
        services = None
        if any(item.needs_credentials for item in inputs):
            with_ice = any(item.kind is InputKind.MEDIA_ID for item in inputs)
            services = _connect(settings, credentials, progress, with_ice=with_ice)
        options = FlowOptions(
            region=settings.region.value or "",
            bucket=None,
            profile=rules,
            media_poll_seconds=0.2 if args.sandbox else 2.0,
            media_timeout_seconds=MEDIA_WAIT_SECONDS,
        )
        groups: list[list[CloudInput]] = []
        seen: set[str] = set()
        for given in inputs:  # an object named twice (or listed under two prefixes) is checked once
            fresh = [item for item in expand([given], services, progress.listed) if item.value not in seen]
            seen.update(item.value for item in fresh)
            groups.append(fresh)
        flat = [item for group in groups for item in group]
        progress.total = len(flat)
        checked = check_all(
            flat, services, args.transparent.declared(), options, jobs=args.jobs, on_done=progress.checked
        )
    progress.close(checked)
    out: list[list[FileReport]] = []
    at = 0
    for group in groups:
        out.append([c.report for c in checked[at : at + len(group)]])
        at += len(group)
    return out


def _connect(settings: Any, credentials: Any, progress: _Progress, *, with_ice: bool) -> Any:
    """The services as ``update`` builds them; without a media ID, OSS alone: the ICE SDK takes a
    second to import (1.3 s of CPU on the loaded 2-core machine), more than checking 30 objects."""
    from validator.cloud.connect import connect
    from validator.cloud.options import Services
    from validator.cloud.storage import OssObjectStore
    from validator.cloud.transfer import from_environment

    transfer = from_environment()
    if with_ice:
        return connect(
            settings, credentials, sink=progress.event, tuning=transfer.tuning, timeouts=transfer.timeouts
        )
    credentials.get()  # a missing credential is reported before any request, as connect() does
    store = OssObjectStore(
        settings.oss_endpoint.value or "",
        settings.bucket.value or "",
        settings.region.value or "",
        credentials,
        tuning=transfer.tuning,
        on_retry=progress.retried,
    )
    return Services(cast("IceService", _NoIce()), store)


class _NoIce:
    """Stands for the ICE client where no input needs one (only a media ID is read through ICE)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"ICE {name} called, but no media ID was given")


class _Progress:
    """What stderr shows while cloud inputs are listed and checked."""

    def __init__(self, detail: Detail) -> None:
        self.detail = detail
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()
        self._live = detail is not Detail.QUIET and bool(getattr(sys.stderr, "isatty", lambda: False)())

    def listed(self, item: CloudInput, page: Page) -> None:
        if self.detail is not Detail.QUIET:
            sys.stderr.write(f"listing {item.value}: {page.objects} objects so far, {page.videos} videos\n")

    def checked(self, found: CloudReport) -> None:
        with self._lock:  # told from the checking threads
            self.done += 1
            if self._live:
                sys.stderr.write(f"\rchecked {self.done} of {self.total} cloud inputs")
                sys.stderr.flush()

    def retried(self, attempt: int, wait: float, error: Any) -> None:
        """An OSS request is tried again: shown with -v only."""
        if self.detail is Detail.VERBOSE:
            sys.stderr.write(
                f"avatar-preflight: {error.action}: {error.code}; retry {attempt} in {wait:.1f} s\n"
            )

    def event(self, event: Any) -> None:
        """A retry the services report: shown with -v only (the run goes on by itself)."""
        if self.detail is Detail.VERBOSE and event.kind.value == "retry":
            sys.stderr.write(f"avatar-preflight: {event.message}\n")

    def close(self, checked: list[CloudReport]) -> None:
        if self._live and self.done:
            sys.stderr.write("\n")
        if self.detail is Detail.VERBOSE and checked:
            reads = [c.read for c in checked if c.read is not None]
            requests = sum(r.requests for r in reads)
            fetched = sum(r.bytes_read for r in reads)
            sys.stderr.write(
                f"{len(checked)} cloud inputs: {requests} range requests, {fetched} bytes read "
                f"(headers only, of {sum(r.size for r in reads)} bytes stored)\n"
            )
