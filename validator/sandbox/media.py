"""Media assets: RegisterMediaInfo's records, prepared by probing the object they point at.

An asset is ``Preparing`` for ``prepare_seconds`` after registration, then the probe decides:
``Normal`` with file and stream information, or ``PrepareFail`` when the object is missing or is
not media. A PNG or JPEG (a portrait) is judged by its header, never by the video rules: ``Normal``
with its width and height, or ``PrepareFail`` when ``MediaType=image`` names something else. Like
jobs, assets advance when read, so no thread is needed and restarts are harmless.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from validator.sandbox.clock import Clock, iso8601
from validator.sandbox.db import Database
from validator.sandbox.errors import ApiError, invalid
from validator.sandbox.jobs import new_id
from validator.sandbox.mediainfo import Info, file_info, image_file_info
from validator.sandbox.objects import ObjectStore
from validator.sandbox.probe import ProbeFn

if TYPE_CHECKING:
    from validator.imageinfo import ImageInfo


class MediaStatus(str, Enum):
    """The states of a media asset."""

    INIT = "Init"
    PREPARING = "Preparing"
    PREPARE_FAIL = "PrepareFail"
    NORMAL = "Normal"


@dataclass(frozen=True)
class MediaAsset:
    """One registered asset."""

    media_id: str
    input_url: str
    bucket: str
    key: str
    media_type: str | None
    title: str | None
    description: str | None
    business_type: str | None
    user_data: str | None
    client_token: str | None
    status: MediaStatus
    message: str | None
    info: Info | None
    """The ``FileInfoList`` item, once prepared."""
    create_time: float
    modified_time: float


_COLUMNS = (
    "media_id",
    "input_url",
    "bucket",
    "key",
    "media_type",
    "title",
    "description",
    "business_type",
    "user_data",
    "client_token",
    "status",
    "message",
    "info",
    "create_time",
    "modified_time",
)

_OSS_HOST = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.oss-[a-z0-9-]+?(-internal)?\.aliyuncs\.com$"
)


def is_public_oss_url(url: str) -> bool:
    """Whether ``url`` is an ``http(s)://BUCKET.oss-REGION.aliyuncs.com/KEY`` URL."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and _OSS_HOST.match((parts.hostname or "").lower()) is not None
        and len(parts.path) > 1
    )


def parse_input_url(url: str) -> tuple[str, str]:
    """``(bucket, key)`` of an ``oss://bucket/key`` or ``https://bucket.oss-REGION.aliyuncs.com/key``."""
    parts = urlsplit(url)
    if parts.scheme == "oss":
        bucket, key = parts.netloc, parts.path.lstrip("/")
    elif parts.scheme in ("http", "https"):
        match = _OSS_HOST.match((parts.hostname or "").lower())
        if match is None:
            raise invalid(
                "InputURL", "InputURL must be oss://BUCKET/KEY or https://BUCKET.oss-REGION.aliyuncs.com/KEY."
            )
        bucket, key = match["bucket"], unquote(parts.path.lstrip("/"))
    else:
        raise invalid(
            "InputURL", "InputURL must be oss://BUCKET/KEY or https://BUCKET.oss-REGION.aliyuncs.com/KEY."
        )
    if not bucket or not key:
        raise invalid("InputURL", "InputURL must name both a bucket and an object.")
    return bucket, key


class MediaLibrary:
    """The media table plus preparation."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        objects: ObjectStore,
        probe: ProbeFn,
        prepare_seconds: float,
        region: str,
    ) -> None:
        self._db = db
        self._clock = clock
        self._objects = objects
        self._probe = probe
        self._prepare = prepare_seconds
        self._region = region
        self._guard = threading.RLock()  # taken before the database lock, never after it

    def register(
        self, input_url: str, *, client_token: str | None, overwrite: bool, **fields: str | None
    ) -> MediaAsset:
        """RegisterMediaInfo: idempotent on ``ClientToken``, and on ``InputURL`` unless overwriting."""
        bucket, key = parse_input_url(input_url)
        with self._guard:
            if client_token:
                row = self._db.query_one("SELECT * FROM media WHERE client_token = ?", (client_token,))
                if row is not None:
                    return _from_row(row)
            row = self._db.query_one(
                "SELECT * FROM media WHERE input_url = ? ORDER BY create_time LIMIT 1", (input_url,)
            )
            now = self._clock.now()
            if row is not None and not overwrite:
                return _from_row(row)
            if row is not None:
                changes: dict[str, Any] = {
                    **_known(fields),
                    "status": MediaStatus.PREPARING,
                    "message": None,
                    "info": None,
                    "modified_time": now,
                }
                asset = replace(_from_row(row), **changes)
                self._save(asset)
                return asset
            asset = MediaAsset(
                media_id=new_id(),
                input_url=input_url,
                bucket=bucket,
                key=key,
                media_type=fields.get("media_type"),
                title=fields.get("title"),
                description=fields.get("description"),
                business_type=fields.get("business_type"),
                user_data=fields.get("user_data"),
                client_token=client_token or None,
                status=MediaStatus.PREPARING,
                message=None,
                info=None,
                create_time=now,
                modified_time=now,
            )
            self._save(asset, insert=True)
            return asset

    def find(self, media_id: str) -> MediaAsset | None:
        """The asset, advanced to the present, or ``None``."""
        row = self._db.query_one("SELECT * FROM media WHERE media_id = ?", (media_id,))
        return None if row is None else self._advance(_from_row(row))

    def get(self, media_id: str | None, input_url: str | None) -> MediaAsset:
        """GetMediaInfo's lookup, by ID or by URL; 404 when unknown (as the service answers)."""
        if media_id:
            asset = self.find(media_id)
        else:
            row = self._db.query_one(
                "SELECT * FROM media WHERE input_url = ? ORDER BY create_time LIMIT 1",
                (input_url or "",),
            )
            asset = None if row is None else self._advance(_from_row(row))
        if asset is None:
            raise ApiError(404, "NotFound.Media", "The specified media does not exist.")
        return asset

    def path_of(self, asset: MediaAsset) -> Path | None:
        """The file behind an asset now, if its object still exists."""
        meta = self._objects.head(asset.bucket, asset.key)
        return None if meta is None else meta.path

    def _advance(self, asset: MediaAsset) -> MediaAsset:
        if asset.status is not MediaStatus.PREPARING:
            return asset
        if self._clock.now() - asset.modified_time < self._prepare:
            return asset
        with self._guard:
            row = self._db.query_one("SELECT * FROM media WHERE media_id = ?", (asset.media_id,))
            if row is None:
                return asset
            current = _from_row(row)
            if current.status is not MediaStatus.PREPARING:
                return current
            done = self._prepared(current)
            self._save(done)
            return done

    def _prepared(self, asset: MediaAsset) -> MediaAsset:
        now = self._clock.now()
        path = self.path_of(asset)
        if path is None:
            return replace(
                asset,
                status=MediaStatus.PREPARE_FAIL,
                modified_time=now,
                message=f"The input file oss://{asset.bucket}/{asset.key} does not exist.",
            )
        image = _image(path)
        if image is not None or asset.media_type == "image":
            if image is None:
                return replace(
                    asset,
                    status=MediaStatus.PREPARE_FAIL,
                    modified_time=now,
                    message="The input file is not a readable JPEG or PNG image.",
                )
            info = image_file_info(
                image,
                path.stat().st_size,
                bucket=asset.bucket,
                key=asset.key,
                region=self._region,
                created=iso8601(asset.create_time),
            )
            return replace(asset, status=MediaStatus.NORMAL, info=info, modified_time=now)
        try:
            outcome = self._probe(path, None)
        except Exception as exc:  # a hostile file must not break the service: it fails preparing
            return replace(
                asset,
                status=MediaStatus.PREPARE_FAIL,
                modified_time=now,
                message=f"The input file could not be read: {exc}",
            )
        if outcome.facts is None:
            return replace(
                asset,
                status=MediaStatus.PREPARE_FAIL,
                modified_time=now,
                message="The input file is not a readable media file.",
            )
        info = file_info(
            outcome.facts,
            bucket=asset.bucket,
            key=asset.key,
            region=self._region,
            created=iso8601(asset.create_time),
        )
        return replace(asset, status=MediaStatus.NORMAL, info=info, modified_time=now)

    def _save(self, asset: MediaAsset, *, insert: bool = False) -> None:
        values: list[Any] = []
        for column in _COLUMNS:
            value = getattr(asset, column)
            if isinstance(value, MediaStatus):
                value = value.value
            elif column == "info" and value is not None:
                value = json.dumps(value)
            values.append(value)
        self._db.save_row("media", _COLUMNS, values, insert=insert)


def _image(path: Path) -> ImageInfo | None:
    """The header of a PNG or JPEG; ``None`` for anything else (videos go to the probe)."""
    from validator.imageinfo import read_image_info

    try:
        return read_image_info(path)
    except OSError:
        return None


def _known(fields: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if v is not None}


def _from_row(row: sqlite3.Row) -> MediaAsset:
    data = {column: row[column] for column in _COLUMNS}
    data["status"] = MediaStatus(data["status"])
    data["info"] = json.loads(data["info"]) if data["info"] else None
    return MediaAsset(**data)
