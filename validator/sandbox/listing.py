"""ListObjects (GET on a bucket), as oss2's ``list_objects`` and ``ObjectIterator`` call it.

Keys are listed in byte order after ``marker``, ``max-keys`` at a time (at most 1,000), with
``IsTruncated`` and ``NextMarker`` for the next page; a ``delimiter`` folds the keys below it into
``CommonPrefixes``, each counted as one entry, as OSS does. With ``encoding-type=url`` keys and
markers are percent-encoded (oss2 always asks for that, and decodes them).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from urllib.parse import quote

from validator.sandbox.clock import iso8601
from validator.sandbox.db import Database
from validator.sandbox.errors import OssError
from validator.sandbox.strict import decimal
from validator.sandbox.wire import Response

DEFAULT_MAX_KEYS = 100
MAX_KEYS = 1000


def list_objects(db: Database, bucket: str, params: Mapping[str, str]) -> Response:
    """One page of the bucket's listing, as the ``ListBucketResult`` document."""
    prefix, marker = params.get("prefix", ""), params.get("marker", "")
    delimiter = params.get("delimiter", "")
    max_keys = decimal(params.get("max-keys") or str(DEFAULT_MAX_KEYS), MAX_KEYS)
    if max_keys is None:
        raise OssError(
            400,
            "InvalidArgument",
            f"max-keys must be an integer between 0 and {MAX_KEYS}.",
            details={"ArgumentName": "max-keys"},
        )
    url = params.get("encoding-type") == "url"
    rows = db.query(
        "SELECT key, size, etag, object_type, last_modified FROM objects "
        "WHERE bucket = ? AND substr(key, 1, length(?)) = ? AND key > ? ORDER BY key",
        (bucket, prefix, prefix, marker),
    )
    contents: list[tuple[str, int, str, str, float]] = []
    folders: list[str] = []
    last = ""
    truncated = False
    for row in rows:
        key = row["key"]
        folder = _folder(key, prefix, delimiter)
        if folder is not None and folders and folders[-1] == folder:
            continue  # rows come sorted: a folder's keys follow one another
        if len(contents) + len(folders) >= max_keys:
            truncated = True
            break
        if folder is not None:
            folders.append(folder)
            last = folder
        else:
            contents.append((key, row["size"], row["etag"], row["object_type"], row["last_modified"]))
            last = key
    root = ET.Element("ListBucketResult")
    for tag, value in (
        ("Name", bucket),
        ("Prefix", _enc(prefix, url)),
        ("Marker", _enc(marker, url)),
        ("MaxKeys", str(max_keys)),
        ("Delimiter", _enc(delimiter, url)),
        ("IsTruncated", "true" if truncated else "false"),
    ):
        ET.SubElement(root, tag).text = value
    if truncated:
        ET.SubElement(root, "NextMarker").text = _enc(last, url)
    if url:
        ET.SubElement(root, "EncodingType").text = "url"
    for key, size, etag, kind, modified in contents:
        node = ET.SubElement(root, "Contents")
        for tag, value in (
            ("Key", _enc(key, url)),
            ("LastModified", iso8601(modified).replace("Z", ".000Z")),
            ("ETag", f'"{etag}"'),
            ("Type", kind),
            ("Size", str(size)),
            ("StorageClass", "Standard"),
        ):
            ET.SubElement(node, tag).text = value
    for folder in folders:
        ET.SubElement(ET.SubElement(root, "CommonPrefixes"), "Prefix").text = _enc(folder, url)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(200, [("Content-Type", "application/xml")], body)


def _folder(key: str, prefix: str, delimiter: str) -> str | None:
    """The common prefix ``key`` folds into under ``delimiter``, or ``None`` for a key listed itself."""
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return key[: at + len(delimiter)] if at >= 0 else None


def _enc(text: str, url: bool) -> str:
    return quote(text, safe="/") if url else text
