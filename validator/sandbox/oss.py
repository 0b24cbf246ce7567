"""The OSS object API subset oss2 uses: simple and multipart uploads, ranged reads, deletes, listings.

Requests arrive already authenticated, with the bucket and decoded key the address named. Any valid
bucket name exists (buckets are created on first use); objects are as stored by
:class:`~validator.sandbox.objects.ObjectStore`. Answers carry what oss2 reads: ``ETag``,
``x-oss-hash-crc64ecma`` (so its CRC check runs), ``Content-Range`` for ranges, and XML bodies.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from validator.sandbox.clock import http_date, iso8601
from validator.sandbox.db import Database
from validator.sandbox.errors import OssError
from validator.sandbox.faults import Faults
from validator.sandbox.listing import list_objects
from validator.sandbox.objects import MAX_PART_NUMBER, ObjectMeta, ObjectStore, PartMeta
from validator.sandbox.strict import decimal
from validator.sandbox.wire import BadRequestBody, DropConnection, Request, Response

XML_CAP = 4 * 1024 * 1024
"""Largest XML request body (a CompleteMultipartUpload of 10,000 parts fits easily)."""

_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
_RANGE = re.compile(r"bytes=([0-9]{0,19})-([0-9]{0,19})")


class OssApi:
    """Object operations on one sandbox's store."""

    def __init__(self, store: ObjectStore, faults: Faults, max_bytes: int, db: Database) -> None:
        self._store = store
        self._db = db
        self._faults = faults
        self._max_bytes = max_bytes

    def handle(self, request: Request, bucket: str | None, key: str) -> Response:
        """Route one authenticated request."""
        if not bucket:
            raise OssError(501, "NotImplemented", "Service-level operations (ListBuckets) are "
                           "not supported by the sandbox.")
        if not _BUCKET.fullmatch(bucket):
            raise OssError(400, "InvalidBucketName", "The specified bucket is not valid.",
                           details={"BucketName": bucket})
        if not key and request.method == "GET":
            return list_objects(self._db, bucket, request.params())
        if not key:
            raise OssError(501, "NotImplemented", "Bucket-level operations are not supported by "
                           "the sandbox.")
        if not 1 <= len(key.encode("utf-8")) <= 1023:
            raise OssError(400, "InvalidObjectName", "The length of object name must be between "
                           "1 and 1023.")
        params = request.params()
        method = request.method
        if "uploads" in params and method == "POST":
            return self._initiate(request, bucket, key)
        if "uploadId" in params:
            upload_id = params["uploadId"]
            if method == "PUT" and "partNumber" in params:
                return self._upload_part(request, bucket, key, upload_id, params["partNumber"])
            if method == "GET":
                return self._list_parts(bucket, key, upload_id, params)
            if method == "POST":
                return self._complete(request, bucket, key, upload_id)
            if method == "DELETE":
                self._store.upload(bucket, key, upload_id)
                self._store.abort(upload_id)
                return Response(204)
        if method == "PUT":
            if request.header("x-oss-copy-source"):
                raise OssError(501, "NotImplemented", "CopyObject is not supported by the sandbox.")
            return self._put(request, bucket, key)
        if method in ("GET", "HEAD"):
            return self._get(request, bucket, key, head=method == "HEAD")
        if method == "DELETE":
            self._store.delete(bucket, key)
            return Response(204)
        raise OssError(405, "MethodNotAllowed",
                       "The specified method is not allowed against this resource.")

    # -- whole objects -------------------------------------------------------------------------

    def _put(self, request: Request, bucket: str, key: str) -> Response:
        self._check_length(request)
        md5 = _content_md5(request.header("Content-MD5"))
        meta = self._store.put(bucket, key, _body(request), _content_type(request), md5)
        return Response(200, [("ETag", f'"{meta.etag}"'),
                              ("x-oss-hash-crc64ecma", str(meta.crc64)),
                              ("Content-MD5", base64.b64encode(bytes.fromhex(meta.etag)).decode())])

    def _get(self, request: Request, bucket: str, key: str, *, head: bool) -> Response:
        meta = self._store.head(bucket, key)
        if meta is None:
            raise OssError(404, "NoSuchKey", "The specified key does not exist.",
                           details={"Key": key})
        headers = _object_headers(meta)
        span = None if head else _parse_range(request.header("Range"), meta.size)
        if span is None:
            return Response(200, headers, file=meta.path, offset=0, length=meta.size)
        start, end = span
        headers.append(("Content-Range", f"bytes {start}-{end}/{meta.size}"))
        return Response(206, headers, file=meta.path, offset=start, length=end - start + 1)

    # -- multipart -----------------------------------------------------------------------------

    def _initiate(self, request: Request, bucket: str, key: str) -> Response:
        upload = self._store.initiate(bucket, key, _content_type(request))
        root = ET.Element("InitiateMultipartUploadResult")
        _text(root, "Bucket", bucket)
        _text(root, "Key", key)
        _text(root, "UploadId", upload.upload_id)
        return xml_response(200, root)

    def _upload_part(
        self, request: Request, bucket: str, key: str, upload_id: str, number: str
    ) -> Response:
        upload = self._store.upload(bucket, key, upload_id)
        self._check_length(request)
        part_number = decimal(number, MAX_PART_NUMBER)
        if part_number is None:
            raise OssError(400, "InvalidArgument", "Part number must be an integer between 1 and "
                           f"{MAX_PART_NUMBER}, inclusive.", details={"ArgumentName": "partNumber"})
        drop_after = self._faults.take_upload_part_drop()
        if drop_after is not None:
            read = 0
            while read < drop_after and (data := request.body.read(min(65536, drop_after - read))):
                read += len(data)
            raise DropConnection(f"dropped UploadPart {part_number} after {read} bytes")
        part = self._store.put_part(
            upload, part_number, _body(request), declared_length=request.body.declared_length
        )
        return Response(200, [("ETag", f'"{part.etag}"'),
                              ("x-oss-hash-crc64ecma", str(part.crc64))])

    def _list_parts(
        self, bucket: str, key: str, upload_id: str, params: dict[str, str]
    ) -> Response:
        self._store.upload(bucket, key, upload_id)
        max_parts = decimal(params.get("max-parts") or "1000", 2**31 - 1)
        marker = decimal(params.get("part-number-marker") or "0", 2**31 - 1)
        if max_parts is None or marker is None:
            raise OssError(400, "InvalidArgument", "max-parts and part-number-marker must be "
                           "integers.")
        max_parts = max(1, min(max_parts, 1000))
        parts = [p for p in self._store.parts(upload_id) if p.part_number > marker]
        page, truncated = parts[:max_parts], len(parts) > max_parts
        root = ET.Element("ListPartsResult")
        for name, value in (("Bucket", bucket), ("Key", key), ("UploadId", upload_id),
                            ("PartNumberMarker", str(marker)),
                            ("NextPartNumberMarker", str(page[-1].part_number if page else marker)),
                            ("MaxParts", str(max_parts)),
                            ("IsTruncated", "true" if truncated else "false")):
            _text(root, name, value)
        for part in page:
            _part_xml(root, part)
        return xml_response(200, root)

    def _complete(self, request: Request, bucket: str, key: str, upload_id: str) -> Response:
        upload = self._store.upload(bucket, key, upload_id)
        if request.header("x-oss-complete-all").lower() == "yes":
            chosen = [(p.part_number, p.etag) for p in self._store.parts(upload_id)]
        else:
            chosen = _parse_complete(request)
        meta = self._store.complete(upload, chosen)
        if self._faults.take_lost_answer("CompleteMultipartUpload"):
            raise DropConnection(f"lost the answer to CompleteMultipartUpload of {key} (completed)")
        root = ET.Element("CompleteMultipartUploadResult")
        _text(root, "Location", f"http://{request.host}/{bucket}/{key}")
        _text(root, "Bucket", bucket)
        _text(root, "Key", key)
        _text(root, "ETag", f'"{meta.etag}"')
        response = xml_response(200, root)
        response.headers += [("ETag", f'"{meta.etag}"'),
                             ("x-oss-hash-crc64ecma", str(meta.crc64))]
        return response

    def _check_length(self, request: Request) -> None:
        declared = request.body.declared_length
        if declared is not None and declared > self._max_bytes:
            raise OssError(400, "EntityTooLarge",
                           "Your proposed upload exceeds the maximum allowed size.",
                           details={"MaxSizeAllowed": str(self._max_bytes)})


def xml_response(status: int, root: ET.Element) -> Response:
    """An XML answer with OSS's declaration."""
    return Response(status, [("Content-Type", "application/xml")], _document(root))


def error_body(error: OssError, request_id: str, host_id: str) -> bytes:
    """``<Error>`` as OSS writes it."""
    root = ET.Element("Error")
    _text(root, "Code", error.code)
    _text(root, "Message", error.message)
    _text(root, "RequestId", request_id)
    _text(root, "HostId", host_id)
    for name, value in error.details.items():
        _text(root, name, value)
    return _document(root)


def _document(root: ET.Element) -> bytes:
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _part_xml(root: ET.Element, part: PartMeta) -> None:
    node = ET.SubElement(root, "Part")
    _text(node, "PartNumber", str(part.part_number))
    _text(node, "LastModified", _iso_millis(part.last_modified))
    _text(node, "ETag", f'"{part.etag}"')
    _text(node, "HashCrc64ecma", str(part.crc64))
    _text(node, "Size", str(part.size))


def _iso_millis(epoch: float) -> str:
    return iso8601(epoch).replace("Z", ".000Z")


def _object_headers(meta: ObjectMeta) -> list[tuple[str, str]]:
    return [
        ("Content-Type", meta.content_type),
        ("ETag", f'"{meta.etag}"'),
        ("Last-Modified", http_date(meta.last_modified)),
        ("Accept-Ranges", "bytes"),
        ("x-oss-object-type", meta.object_type),
        ("x-oss-storage-class", "Standard"),
        ("x-oss-hash-crc64ecma", str(meta.crc64)),
    ]


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` byte of a single range; ``None`` to send everything; 416 if unsatisfiable.

    Like OSS, a malformed or multi-range header is ignored rather than refused.
    """
    match = _RANGE.fullmatch(header.strip().replace(" ", "")) if header else None
    if match is None or (not match[1] and not match[2]):
        return None
    if not match[1]:  # suffix range: the last N bytes
        count = int(match[2])
        if count == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - count), size - 1
    start = int(match[1])
    end = int(match[2]) if match[2] else size - 1
    if match[2] and end < start:
        return None
    if start >= size:
        raise _unsatisfiable(size)
    return start, min(end, size - 1)


def _unsatisfiable(size: int) -> OssError:
    return OssError(416, "InvalidRange", "The requested range is not satisfiable.",
                    details={"ObjectSize": str(size)})


def _content_type(request: Request) -> str:
    return request.header("Content-Type") or "application/octet-stream"


def _content_md5(value: str) -> bytes | None:
    if not value:
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise OssError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.") from exc
    if len(digest) != 16:
        raise OssError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
    return digest


def _body(request: Request) -> Iterable[bytes]:
    try:
        yield from request.body.chunks()
    except BadRequestBody as exc:
        raise OssError(400, "IncompleteBody", f"The request body is incomplete: {exc}.") from exc


def _parse_complete(request: Request) -> list[tuple[int, str]]:
    malformed = OssError(400, "MalformedXML", "The XML you provided was not well-formed or did "
                         "not validate against our published schema.")
    try:
        root = ET.fromstring(request.body.read_all(XML_CAP))
    except (ET.ParseError, BadRequestBody) as exc:
        raise malformed from exc
    chosen = []
    for part in root.findall("Part"):
        number, etag = part.findtext("PartNumber"), part.findtext("ETag")
        value = None if number is None else decimal(number.strip(), MAX_PART_NUMBER)
        if value is None or etag is None:
            raise malformed
        chosen.append((value, etag.strip()))
    return chosen
