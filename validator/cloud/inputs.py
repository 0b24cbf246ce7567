"""The cloud inputs of ``check``: which arguments name something in the cloud, and what each names.

An argument is a cloud input when it is not a local path (an existing file or folder always wins)
and it is an ``oss://BUCKET/KEY`` URL, an ``https://BUCKET.oss-REGION.aliyuncs.com/KEY`` URL (or any
other https URL, read without credentials), or a 32-character media asset ID. A key that ends in
``/`` (or none at all: ``oss://BUCKET``) is a prefix, checked as a folder would be: every video
object under it. Imports nothing but the standard library, so a ``check`` of local files pays for
nothing here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote, urlsplit

from validator.errors import UsageError

MEDIA_ID = re.compile(r"[A-Za-z0-9]{32}")
"""A media asset ID, matched whole (``fullmatch``: ``$`` would also accept an ID and a newline)."""
OSS_HOST = re.compile(
    r"(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.oss-(?P<region>[a-z0-9-]+?)(?P<internal>-internal)?"
    r"\.aliyuncs\.com"
)
"""An OSS virtual-hosted bucket host, public or internal (``update``'s parameters use it too)."""
_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


class InputKind(str, Enum):
    """What a cloud argument names."""

    OBJECT = "object"
    """One OSS object (``oss://`` or an OSS https URL): read with signed Range requests."""
    PREFIX = "prefix"
    """Every video object under an OSS key prefix, listed page by page."""
    MEDIA_ID = "media_id"
    """A registered media asset: GetMediaInfo gives its file URL."""
    URL = "url"
    """Any other https URL: read with plain Range requests, no credentials."""


@dataclass(frozen=True, slots=True)
class CloudInput:
    """One cloud argument of ``check``, parsed."""

    kind: InputKind
    value: str
    """The argument as given (an OSS URL as typed; a prefix's listed objects as ``oss://B/K``)."""
    bucket: str | None = None
    key: str = ""
    """The object's key, or the prefix (``""``: the whole bucket)."""
    region: str | None = None
    """The region an OSS https URL names in its host."""
    size: int | None = None
    """An object's size, when a listing gave it."""

    @property
    def needs_credentials(self) -> bool:
        """Whether reading it signs requests (everything but a plain https URL)."""
        return self.kind is not InputKind.URL

    @property
    def location(self) -> str:
        """``oss://BUCKET/KEY`` for OSS inputs, else the argument."""
        if self.bucket is None:
            return self.value
        return f"oss://{self.bucket}/{self.key}"


def cloud_input(arg: str) -> CloudInput | None:
    """``arg`` as a cloud input, or ``None`` when it is a local path (existing or not).

    Raises :class:`UsageError` for an ``oss://`` URL without a valid bucket name, and for a URL that
    carries a user name or password (credentials never belong in a URL)."""
    if os.path.lexists(arg):
        return None
    if arg.startswith("oss://"):
        bucket, _, key = arg[len("oss://") :].partition("/")
        if not _BUCKET.fullmatch(bucket):
            raise UsageError(f"{arg!r} does not name an OSS bucket (oss://BUCKET/KEY)")
        return _object_or_prefix(arg, bucket, key, None)
    if arg.startswith(("https://", "http://")):
        parts = urlsplit(arg)
        if "@" in parts.netloc:
            raise UsageError("refusing a URL that carries a user name or password")
        match = OSS_HOST.fullmatch((parts.hostname or "").lower())
        if match is not None and parts.port in (None, 443) and not parts.query:
            return _object_or_prefix(arg, match["bucket"], unquote(parts.path[1:]), match["region"])
        return CloudInput(InputKind.URL, arg)
    if MEDIA_ID.fullmatch(arg):
        return CloudInput(InputKind.MEDIA_ID, arg)
    return None


def _object_or_prefix(arg: str, bucket: str, key: str, region: str | None) -> CloudInput:
    kind = InputKind.PREFIX if key == "" or key.endswith("/") else InputKind.OBJECT
    return CloudInput(kind, arg, bucket, key, region)


def split(args: list[str]) -> list[str | CloudInput]:
    """Each argument as given (a local path) or as the cloud input it names, in order."""
    return [found if (found := cloud_input(arg)) is not None else arg for arg in args]
