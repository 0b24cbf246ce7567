"""Step 1: every parameter of ``update`` checked locally, against the documented rules.

Pure functions, no network: a list of :class:`~validator.findings.Finding` with stable rule ids, so
every problem is reported at once, before anything is uploaded. The rules are
UpdateAvatarTrainingJob's (AvatarName at most 7 characters, counted as characters; description at most
1,000; Thumbnail an OSS URL of at most 512; Portrait and Video 32-character media IDs) plus what this
tool needs to act (a Video or Portrait given as a local file, an OSS URL or a media ID).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from validator.cloud.inputs import MEDIA_ID, OSS_HOST
from validator.findings import Finding, Severity

MAX_NAME = 7
MAX_DESCRIPTION = 1000
MAX_THUMBNAIL = 512
MEDIA_ID_LENGTH = 32
NEW_JOB = "new"
"""``--job-id new`` creates a job (CreateAvatarTrainingJob) instead of updating one."""
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")



class RefKind(str, Enum):
    """How a Video or Portrait was given."""

    FILE = "file"
    """A local file: checked, uploaded, registered."""
    OSS = "oss"
    """An object already in OSS (``oss://`` or an OSS https URL): checked remotely, registered."""
    MEDIA_ID = "media_id"
    """A registered media asset: checked remotely through GetMediaInfo's file URL."""


@dataclass(frozen=True)
class MediaRef:
    """A Video or Portrait argument, classified."""

    kind: RefKind
    value: str
    """The argument as given."""
    bucket: str | None = None
    """OSS only: the bucket."""
    key: str | None = None
    """OSS only: the object key (decoded)."""
    region: str | None = None
    """OSS https URLs only: the region in the host name."""


@dataclass(frozen=True)
class UpdateParams:
    """What the user asked ``update`` to change. ``None`` leaves a field alone."""

    job_id: str
    video: str | None = None
    portrait: str | None = None
    thumbnail: str | None = None
    name: str | None = None
    description: str | None = None
    transparent: bool | None = None
    """The declared Transparent flag; ``None`` (auto) sends the value derived from the video."""
    submit: bool = False
    wait: bool = False

    @property
    def creates_job(self) -> bool:
        return self.job_id == NEW_JOB


@dataclass(frozen=True)
class CheckedParams:
    """The outcome of step 1."""

    problems: tuple[Finding, ...]
    video: MediaRef | None
    portrait: MediaRef | None


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a user name or password (``https://user:pass@host/...``)."""
    return "@" in urlsplit(url).netloc


def oss_location(url: str) -> tuple[str, str, str | None] | None:
    """``(bucket, key, region)`` of an ``oss://`` or OSS https URL; ``None`` for anything else,
    including a URL with credentials in it or a port other than the scheme's own."""
    parts = urlsplit(url)
    if has_credentials(url) or _odd_port(url):
        return None
    if parts.scheme == "oss":
        key = parts.path.lstrip("/")
        return (parts.netloc, key, None) if parts.netloc and key else None
    if parts.scheme in ("http", "https"):
        match = OSS_HOST.fullmatch((parts.hostname or "").lower())
        key = unquote(parts.path.lstrip("/"))
        if match and key:
            return match["bucket"], key, match["region"]
    return None


def _odd_port(url: str) -> bool:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return True
    return port is not None and port != {"https": 443, "http": 80}.get(parts.scheme)


def _credentials_problem(rule: str, what: str) -> Finding:
    return _problem(
        rule,
        f"{what} URL carries a user name or password: credentials never belong in a URL",
        "a URL without user:password@",
        "user:password@ in the URL",
        "Remove the credentials from the URL; this tool signs its requests with the credential chain.",
    )


def classify(value: str, what: str, region: str) -> MediaRef | Finding:
    """A Video/Portrait argument as a :class:`MediaRef`, or the finding that says why it is none."""
    rule = f"param-{what.lower()}"
    if "://" in value and has_credentials(value):
        return _credentials_problem(rule, what)
    if "://" in value:
        location = oss_location(value)
        if location is None:
            return _problem(
                rule,
                f"{what} URL is not an OSS location: ICE registers media from OSS only",
                "oss://BUCKET/KEY or https://BUCKET.oss-REGION.aliyuncs.com/KEY",
                value,
                "Upload the file to OSS, or pass the local file and let this tool upload it.",
            )
        bucket, key, url_region = location
        if url_region is not None and url_region != region:
            return _problem(
                rule,
                f"{what} is in region {url_region}, the job's region is {region}",
                region,
                url_region,
                f"Use --region {url_region}, or copy the object.",
            )
        return MediaRef(RefKind.OSS, value, bucket, key, url_region)
    if os.path.exists(value):
        if os.path.isdir(value):
            return _problem(rule, f"{what} is a folder, not a file", "a file", value, "Pass one file.")
        return MediaRef(RefKind.FILE, value)
    if MEDIA_ID.fullmatch(value):
        return MediaRef(RefKind.MEDIA_ID, value)
    return _problem(
        "param-media-id",
        f"{what} {value!r} is neither an existing file nor a {MEDIA_ID_LENGTH}-character media ID "
        f"(it has {len(value)} characters)",
        f"a file path or a {MEDIA_ID_LENGTH}-character media ID",
        f"{len(value)} characters",
        "Check the path, or copy the media ID from the ICE console or RegisterMediaInfo.",
    )


def check_params(params: UpdateParams, region: str) -> CheckedParams:
    """Every parameter problem at once."""
    problems = _text_problems(params)
    if params.thumbnail is not None:
        problems.extend(check_thumbnail(params.thumbnail, region))
    refs: dict[str, MediaRef] = {}
    for what, value in (("Video", params.video), ("Portrait", params.portrait)):
        if value is None:
            continue
        ref = classify(value, what, region)
        if isinstance(ref, Finding):
            problems.append(ref)
        else:
            refs[what] = ref
    problems.extend(_nothing_to_do(params))
    return CheckedParams(problems=tuple(problems), video=refs.get("Video"), portrait=refs.get("Portrait"))


def _text_problems(params: UpdateParams) -> list[Finding]:
    """JobId, AvatarName and AvatarDescription against the service's limits."""
    problems: list[Finding] = []
    job_id = params.job_id.strip()
    if not job_id or job_id != params.job_id or any(c.isspace() for c in job_id):
        problems.append(
            _problem(
                "param-job-id",
                "JobId is required and may not contain spaces",
                "a job ID, or 'new'",
                repr(params.job_id),
                "Copy the job ID from ListAvatarTrainingJobs (avatar-preflight jobs).",
            )
        )
    if params.name is not None and not 1 <= len(params.name) <= MAX_NAME:
        problems.append(
            _problem(
                "param-avatar-name",
                f"AvatarName must be 1 to {MAX_NAME} characters; it has {len(params.name)}",
                f"1-{MAX_NAME} characters",
                f"{len(params.name)} characters",
                f"Shorten the name to {MAX_NAME} characters (Chinese characters count one each).",
            )
        )
    if params.creates_job and not params.name:
        problems.append(
            _problem(
                "param-avatar-name",
                "--job-id new creates a job: AvatarName is required",
                "--name",
                None,
                "Add --name TEXT (at most 7 characters).",
            )
        )
    if params.description is not None and len(params.description) > MAX_DESCRIPTION:
        problems.append(
            _problem(
                "param-description",
                f"AvatarDescription must be at most {MAX_DESCRIPTION} characters; it "
                f"has {len(params.description)}",
                f"at most {MAX_DESCRIPTION} characters",
                f"{len(params.description)} characters",
                "Shorten the description.",
            )
        )
    return problems


def _nothing_to_do(params: UpdateParams) -> list[Finding]:
    changes = (
        params.video,
        params.portrait,
        params.thumbnail,
        params.name,
        params.description,
        params.transparent,
    )
    if params.creates_job or any(v is not None for v in changes) or params.submit or params.wait:
        return []
    return [
        _problem(
            "param-nothing-to-do",
            "nothing to change: give at least one field, --submit or --wait",
            "a field to change",
            None,
            "Add --video, --portrait, --thumbnail, --name, --description, --transparent, --submit or --wait.",
        )
    ]


def check_thumbnail(url: str, region: str) -> list[Finding]:
    """Thumbnail: where the service writes the avatar's thumbnail after training, so an https URL on
    an OSS host of the job's region, at most 512 characters, naming an image."""
    expected = f"https://BUCKET.oss-{region}.aliyuncs.com/KEY.png (at most {MAX_THUMBNAIL} characters)"
    out = []
    if len(url) > MAX_THUMBNAIL:
        out.append(
            _problem(
                "param-thumbnail",
                f"Thumbnail must be at most {MAX_THUMBNAIL} characters; it has {len(url)}",
                expected,
                f"{len(url)} characters",
                "Use a shorter key.",
            )
        )
    parts = urlsplit(url)
    if has_credentials(url):
        out.append(_credentials_problem("param-thumbnail", "Thumbnail"))
        return out
    location = oss_location(url)
    if parts.scheme != "https" or location is None or location[2] is None or parts.query or parts.fragment:
        out.append(
            _problem(
                "param-thumbnail",
                "Thumbnail must be a plain https URL on an OSS host (no port, query or fragment)",
                expected,
                url,
                f"Use https://YOUR-BUCKET.oss-{region}.aliyuncs.com/thumbs/NAME.png",
            )
        )
        return out
    if location[2] != region or (parts.hostname or "").endswith("-internal.aliyuncs.com"):
        out.append(
            _problem(
                "param-thumbnail",
                f"Thumbnail must be on a public OSS host of the job's region {region}",
                f"oss-{region}.aliyuncs.com",
                parts.hostname,
                f"Use a bucket in {region} and its public endpoint.",
            )
        )
    if PurePosixPath(location[1]).suffix.lower() not in IMAGE_EXTENSIONS:
        out.append(
            _problem(
                "param-thumbnail",
                "Thumbnail must name an image file",
                " ".join(IMAGE_EXTENSIONS),
                PurePosixPath(location[1]).suffix or "(none)",
                "End the key with .png or .jpg.",
            )
        )
    return out


def _problem(rule: str, message: str, expected: str | None, actual: str | None, fix: str) -> Finding:
    return Finding(rule, Severity.ERROR, message, expected, actual, fix)
