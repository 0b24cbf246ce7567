"""The media half of ``update``: check a video where it is, upload, register, wait, cross-check.

Each function is one step of :mod:`validator.cloud.flow` for one Video or Portrait argument. Local
files are probed from disk; media already in the cloud is probed through a Range-reading source
(:mod:`validator.cloud.remote`), never downloaded. After RegisterMediaInfo the service's own reading
of the file (width, height, duration, pixel format) must agree with the probe's, or the update stops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from validator.check import judge, unreadable
from validator.cloud.errors import CloudError
from validator.cloud.events import Event, EventKind, MediaOutcome, Request, Sink, Step
from validator.cloud.jobs import MediaView
from validator.cloud.params import MediaRef, RefKind, oss_location
from validator.cloud.planned import client_token, media_type, title
from validator.cloud.remote import HttpRangeSource, ObjectRangeSource, RemoteRead
from validator.cloud.storage import content_digest, object_key
from validator.errors import ProbeError
from validator.findings import FileReport, Finding, Severity
from validator.probe.reader import Limits
from validator.profile import Profile

if TYPE_CHECKING:
    from validator.cloud.options import FlowOptions, Services
    from validator.imageinfo import ImageInfo

REMOTE_LIMITS = Limits(seconds=60.0, max_bytes=32 * 1024 * 1024)
"""A remote probe reads headers: a few hundred KB; past 32 MiB something is wrong with the file."""
DURATION_TOLERANCE = 0.5
"""Seconds the service's duration may differ from the probe's (rounding, edit lists)."""


@dataclass(frozen=True)
class RemoteCheck:
    """A video in the cloud, checked where it is."""

    report: FileReport
    read: RemoteRead
    media_id: str | None
    input_url: str | None


def check_local(path: str, declared: bool | None, profile: Profile) -> FileReport:
    """Step 3 for a local file: the ``check`` rules, before anything is uploaded."""
    from validator.check import check_file

    return check_file(path, declared, profile=profile)


def check_remote(
    ref: MediaRef,
    services: Services | None,
    declared: bool | None,
    options: FlowOptions,
    *,
    short_name: bool = False,
    size: int | None = None,
    view: MediaView | None = None,
) -> RemoteCheck:
    """Step 3 for media already in the cloud: GetMediaInfo for a media ID's file URL, then a
    headers-only probe over Range requests.

    ``services`` may be ``None`` only for a plain https URL (``check`` reads one without credentials).
    The findings and fixes call the file by where its bytes are (``oss://BUCKET/KEY``), so the
    extension rule sees the object's real name; with ``short_name``, by that name's last part, as a
    downloaded copy would be called (``check``: its ffmpeg fixes are then commands one can run).
    ``size`` is an OSS object's size when a listing gave it (no HeadObject is then needed); ``view``
    is a media ID's ``Normal`` GetMediaInfo answer when the caller has just read it (not asked again).
    """
    media_id = input_url = None
    if ref.kind is RefKind.MEDIA_ID:
        assert services is not None, "a media ID is read through ICE"
        media_id = ref.value
        if view is None or view.status != "Normal":
            view = wait_until_prepared(services, ref.value, options)
        if not view.file_url:
            raise CloudError("NoFileUrl", f"media {ref.value} has no file URL to read", action="GetMediaInfo")
        url = view.file_url
        input_url = view.input_url
    else:
        url = ref.value
    location = oss_location(url)
    source: ObjectRangeSource | HttpRangeSource
    if location is not None:
        assert services is not None, "an OSS object is read with signed requests"
        source = ObjectRangeSource(services.store, location[0], location[1], size)
    else:
        source = HttpRangeSource(url)
    name = f"oss://{location[0]}/{location[1]}" if location is not None else url.split("?", 1)[0]
    if short_name:
        name = unquote(name.rstrip("/").rsplit("/", 1)[-1]) or name
    try:
        report = _probe_report(source, name, declared, options.profile)
    finally:
        source.close()
    if source.error is not None:
        raise source.error
    return RemoteCheck(report, source.summary(), media_id, input_url)


def _probe_report(
    source: ObjectRangeSource | HttpRangeSource, name: str, declared: bool | None, profile: Profile
) -> FileReport:
    from validator.probe import probe_source

    try:
        facts = probe_source(source, name, opaque_alpha=profile.opaque_alpha, limits=REMOTE_LIMITS)
    except ProbeError as exc:
        return unreadable(name, exc, profile, declared)
    return judge(name, facts, profile, declared)


def upload_and_register(
    ref: MediaRef, role: str, services: Services, options: FlowOptions, emit: Sink, sent: list[Request]
) -> MediaOutcome:
    """Steps 5-6 for a local file: content-hash key, resumable upload, RegisterMediaInfo."""
    path = Path(ref.value)
    emit(Event(Step.UPLOAD, EventKind.START, f"hashing {path.name}"))
    digest = content_digest(path)
    key = object_key(options.prefix, digest, path)
    size = path.stat().st_size
    emit(
        Event(
            Step.UPLOAD,
            EventKind.START,
            f"uploading {path.name} to oss://{services.store.bucket}/{key}",
            0,
            size,
        )
    )

    def progress(done: int, total: int) -> None:
        emit(Event(Step.UPLOAD, EventKind.PROGRESS, path.name, done, total))

    upload = services.store.upload(key, path, progress)
    for note in upload.notes:
        emit(Event(Step.UPLOAD, EventKind.INFO, note))
    if upload.skipped:
        emit(
            Event(Step.UPLOAD, EventKind.DONE, f"{path.name} is already uploaded (same CRC-64)", size, size)
        )
    else:
        resumed = f", resumed after {upload.resumed_bytes} bytes" if upload.resumed_bytes else ""
        emit(
            Event(Step.UPLOAD, EventKind.DONE, f"uploaded {size} bytes, CRC-64 verified{resumed}", size, size)
        )
        sent.append(
            Request(
                "OSS",
                "MultipartUpload" if size >= options.tuning.multipart_threshold else "PutObject",
                {"Bucket": upload.bucket, "Key": key, "Size": size},
            )
        )
    input_url = f"oss://{upload.bucket}/{key}"
    media_id = _register(services, role, ref, input_url, client_token(digest, input_url), emit, sent)
    return MediaOutcome(role, ref.value, ref.kind, media_id, input_url, upload=upload)


def register_object(
    ref: MediaRef,
    role: str,
    services: Services,
    emit: Sink,
    sent: list[Request],
    earlier: MediaOutcome | None,
) -> MediaOutcome:
    """Step 6 for an object already in OSS: register it (ClientToken from its ETag)."""
    assert ref.bucket is not None and ref.key is not None
    info = services.store.head(ref.key, ref.bucket)
    if info is None:
        raise CloudError("NoSuchKey", f"{ref.value} does not exist", service="OSS", action="HeadObject")
    token = client_token(info.etag or hashlib.sha256(ref.value.encode()).hexdigest(), ref.value)
    media_id = _register(services, role, ref, ref.value, token, emit, sent)
    remote = earlier.remote if earlier is not None else None
    return MediaOutcome(role, ref.value, ref.kind, media_id, ref.value, remote=remote)


def _register(
    services: Services, role: str, ref: MediaRef, input_url: str, token: str, emit: Sink, sent: list[Request]
) -> str:
    emit(Event(Step.REGISTER, EventKind.START, f"registering {input_url}"))
    params = {"InputURL": input_url, "MediaType": media_type(role), "Title": title(ref), "ClientToken": token}
    media_id = services.ice.register_media(input_url, media_type(role), title(ref), token)
    sent.append(Request("ICE", "RegisterMediaInfo", params))
    emit(Event(Step.REGISTER, EventKind.INFO, f"{role} media ID {media_id}"))
    return media_id


def wait_until_prepared(
    services: Services, media_id: str, options: FlowOptions, emit: Sink | None = None
) -> MediaView:
    """Poll GetMediaInfo until the asset leaves ``Init``/``Preparing``; ``PrepareFail`` is the
    cloud's failure."""
    started = options.clock()
    delay = min(0.2, options.media_poll_seconds)
    while True:
        view = services.ice.get_media(media_id)
        if view.status not in ("Init", "Preparing"):
            break
        if emit is not None:
            emit(Event(Step.REGISTER, EventKind.POLL, view.status))
        if options.clock() - started > options.media_timeout_seconds:
            raise CloudError(
                "PrepareTimeout",
                f"media {media_id} is still {view.status} after {options.media_timeout_seconds:g} s",
                action="GetMediaInfo",
            )
        options.sleep(delay)
        delay = min(delay * 2, options.media_poll_seconds)
    if view.status != "Normal":
        raise CloudError(
            view.status, f"media {media_id} could not be prepared by the service", action="GetMediaInfo"
        )
    return view


def wait_and_cross_check(
    outcome: MediaOutcome,
    report: FileReport | None,
    services: Services,
    options: FlowOptions,
    emit: Sink,
    role: str,
    image: ImageInfo | None = None,
) -> tuple[Finding, ...]:
    """Wait for ``Normal``; compare the service's figures with the probe's (a video) or with the
    header's (a portrait file)."""
    assert outcome.media_id is not None
    view = wait_until_prepared(services, outcome.media_id, options, emit)
    if image is not None:
        found = cross_check_image(view, image)
    elif report is None or report.facts is None or report.facts.video is None:
        emit(Event(Step.REGISTER, EventKind.DONE, f"{role} is Normal"))
        return ()
    else:
        found = cross_check(view, report)
    emit(
        Event(
            Step.REGISTER,
            EventKind.DONE,
            f"{role} is Normal; the service's reading matches the local file"
            if not found
            else "Normal, but the service reads the file differently",
        )
    )
    return found


def cross_check_image(view: MediaView, image: ImageInfo) -> tuple[Finding, ...]:
    """``media-mismatch`` findings where GetMediaInfo and the portrait's header disagree on its size."""
    return tuple(
        _mismatch(what, ours, theirs)
        for what, ours, theirs in (("width", image.width, view.width), ("height", image.height, view.height))
        if theirs is not None and theirs != ours
    )


def _mismatch(what: str, ours: object, theirs: object) -> Finding:
    return Finding(
        "media-mismatch",
        Severity.ERROR,
        f"the service reads the {what} as {theirs}, the local file says {ours}",
        str(ours),
        str(theirs),
        "The object in OSS is not the file that was checked: upload it again, or check "
        "the object with --video oss://BUCKET/KEY.",
    )


def cross_check(view: MediaView, report: FileReport) -> tuple[Finding, ...]:
    """``media-mismatch`` findings where GetMediaInfo and the probe disagree (unknowns are skipped)."""
    assert report.facts is not None and report.facts.video is not None
    video = report.facts.video
    pairs: list[tuple[str, object, object, bool]] = []
    if view.width is not None and video.width is not None:
        pairs.append(("width", video.width, view.width, view.width in (video.width, video.display_width)))
    if view.height is not None and video.height is not None:
        pairs.append(
            ("height", video.height, view.height, view.height in (video.height, video.display_height))
        )
    if view.duration is not None and video.duration is not None:
        pairs.append(
            (
                "duration",
                f"{video.duration:.3f}",
                f"{view.duration:.3f}",
                abs(view.duration - video.duration) <= DURATION_TOLERANCE,
            )
        )
    if view.pix_fmt and video.pix_fmt:
        pairs.append(("pixel format", video.pix_fmt, view.pix_fmt, view.pix_fmt == video.pix_fmt))
    return tuple(_mismatch(what, ours, theirs) for what, ours, theirs, same in pairs if not same)
