"""Object storage on disk: whole objects, multipart uploads and their parts.

Bodies stream from the socket to a temporary file (hashing MD5 and CRC-64 on the way) and are moved
into place with one rename, so a reader never sees half an object and memory use does not grow with
object size. Each stored version gets a fresh file name; metadata in SQLite points at it, and the old
file is unlinked once the new row is committed (a reader that already opened it keeps reading).

Multipart uploads whose parts share one size (what every SDK sends) are laid out as they arrive: part
``n`` is written into one file of the upload at ``(n - 1) * stride``, the stride being the declared
length of the first part to arrive. Completing such an upload renames that file into place; anything
else (parts of mixed sizes, a part sent again, a part still arriving) is assembled by copying.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from validator.crc64 import CHUNK, Crc64, combine
from validator.sandbox.clock import Clock
from validator.sandbox.db import Database
from validator.sandbox.errors import OssError

MIN_PART_BYTES = 100 * 1024
"""Every part but the last must be at least this large (OSS's rule)."""
MAX_PART_NUMBER = 10000

_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


@dataclass(frozen=True)
class ObjectMeta:
    """One stored object."""

    bucket: str
    key: str
    path: Path
    """The file holding the body."""
    size: int
    etag: str
    """Upper-case hex, without quotes (``-N`` suffixed for multipart objects)."""
    crc64: int
    content_type: str
    object_type: str
    """``Normal`` or ``Multipart``."""
    last_modified: float


@dataclass(frozen=True)
class UploadMeta:
    """One multipart upload in progress."""

    upload_id: str
    bucket: str
    key: str
    content_type: str
    initiated: float


@dataclass(frozen=True)
class PartMeta:
    """One uploaded part."""

    part_number: int
    size: int
    etag: str
    crc64: int
    last_modified: float
    path: Path
    md5: bytes
    offset: int = 0
    """Where the part starts in :attr:`path` (non-zero in an upload's shared layout file)."""


@dataclass(frozen=True)
class _Written:
    path: Path
    size: int
    md5: bytes
    crc64: int
    offset: int = 0


LAYOUT = "layout"
"""The file of an upload that parts of the common size are written into, each at its place."""


class ObjectStore:
    """Objects and multipart uploads under one directory, indexed in the sandbox database."""

    def __init__(self, db: Database, root: Path, clock: Clock, max_bytes: int) -> None:
        self._db = db
        self._root = root
        self._clock = clock
        self._max_bytes = max_bytes
        self._tmp = root / "tmp"
        for sub in ("tmp", "data", "parts"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self._layout_lock = threading.Lock()
        self._strides: dict[str, int] = {}
        """Upload id -> the part size of its layout file (0: a layout from before a restart, closed)."""
        self._writing: dict[str, set[int]] = {}
        """Upload id -> part numbers being written into its layout file right now."""

    # -- whole objects -------------------------------------------------------------------------

    def put(
        self,
        bucket: str,
        key: str,
        chunks: Iterable[bytes],
        content_type: str,
        content_md5: bytes | None = None,
    ) -> ObjectMeta:
        """Store a body under ``bucket/key``, replacing any previous version."""
        written = self._write(chunks, self._root / "data" / bucket, _suffix(key))
        if content_md5 is not None and content_md5 != written.md5:
            written.path.unlink(missing_ok=True)
            raise OssError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        return self._commit_object(
            bucket, key, written.path, written.size, written.md5.hex().upper(), written.crc64,
            content_type, "Normal",
        )

    def head(self, bucket: str, key: str) -> ObjectMeta | None:
        """Metadata of an object, or ``None``."""
        row = self._db.query_one(
            "SELECT * FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
        )
        if row is None:
            return None
        return ObjectMeta(
            bucket=row["bucket"], key=row["key"], path=self._root / row["file"], size=row["size"],
            etag=row["etag"], crc64=int(row["crc64"]), content_type=row["content_type"],
            object_type=row["object_type"], last_modified=row["last_modified"],
        )

    def delete(self, bucket: str, key: str) -> None:
        """Remove an object; removing a missing one is not an error (as in OSS)."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT file FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
            ).fetchone()
            conn.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        if row is not None:
            (self._root / row["file"]).unlink(missing_ok=True)

    # -- multipart -----------------------------------------------------------------------------

    def initiate(self, bucket: str, key: str, content_type: str) -> UploadMeta:
        """Start a multipart upload."""
        upload = UploadMeta(uuid.uuid4().hex.upper(), bucket, key, content_type, self._clock.now())
        self._db.execute(
            "INSERT INTO uploads (upload_id, bucket, key, content_type, initiated) "
            "VALUES (?, ?, ?, ?, ?)",
            (upload.upload_id, bucket, key, content_type, upload.initiated),
        )
        return upload

    def upload(self, bucket: str, key: str, upload_id: str) -> UploadMeta:
        """The upload ``upload_id`` of ``bucket/key``, or ``NoSuchUpload``."""
        row = self._db.query_one(
            "SELECT * FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
            (upload_id, bucket, key),
        )
        if row is None:
            raise OssError(
                404, "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload "
                "may have been aborted or completed.",
                details={"UploadId": upload_id},
            )
        return UploadMeta(row["upload_id"], row["bucket"], row["key"], row["content_type"],
                          row["initiated"])

    def put_part(
        self,
        upload: UploadMeta,
        part_number: int,
        chunks: Iterable[bytes],
        declared_length: int | None = None,
    ) -> PartMeta:
        """Store one part, replacing an earlier part with the same number."""
        if not 1 <= part_number <= MAX_PART_NUMBER:
            raise OssError(400, "InvalidArgument",
                           f"Part number must be an integer between 1 and {MAX_PART_NUMBER}, "
                           "inclusive.", details={"ArgumentName": "partNumber"})
        folder = self._root / "parts" / upload.upload_id
        offset = self._claim_place(upload.upload_id, part_number, declared_length)
        if offset is None:
            written = self._write(chunks, folder, "")
        else:
            try:
                written = self._write_at(chunks, folder / LAYOUT, offset, declared_length or 0)
            finally:
                with self._layout_lock:
                    self._writing.get(upload.upload_id, set()).discard(part_number)
        part = PartMeta(part_number, written.size, written.md5.hex().upper(), written.crc64,
                        self._clock.now(), written.path, written.md5, written.offset)
        with self._db.transaction() as conn:
            alive = conn.execute(
                "SELECT 1 FROM uploads WHERE upload_id = ?", (upload.upload_id,)
            ).fetchone()
            old = conn.execute(
                "SELECT file FROM parts WHERE upload_id = ? AND part_number = ?",
                (upload.upload_id, part_number),
            ).fetchone()
            if alive is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO parts (upload_id, part_number, file, size, etag, md5, "
                    "crc64, last_modified, file_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (upload.upload_id, part_number, self._rel(written.path), part.size, part.etag,
                     part.md5.hex(), str(part.crc64), part.last_modified, written.offset),
                )
        if alive is None:
            if written.path.name != LAYOUT:
                written.path.unlink(missing_ok=True)
            raise OssError(404, "NoSuchUpload", "The specified upload does not exist.")
        if old is not None and Path(old["file"]).name != LAYOUT:  # a layout holds other parts too
            (self._root / old["file"]).unlink(missing_ok=True)
        return part

    def _claim_place(self, upload_id: str, number: int, declared: int | None) -> int | None:
        """The offset to write part ``number`` at in the upload's layout file; ``None`` for a file
        of its own (no declared length, no stride yet, a larger size than the stride, a part number
        stored or being written already)."""
        if declared is None or not 0 < declared <= self._max_bytes:
            return None
        if self._db.query_one(
            "SELECT 1 FROM parts WHERE upload_id = ? AND part_number = ?", (upload_id, number)
        ):
            return None  # a part sent again: never over the stored one, which a failure would ruin
        layout = self._root / "parts" / upload_id / LAYOUT
        with self._layout_lock:
            stride = self._strides.get(upload_id)
            if stride is None and layout.exists():
                # Written before a restart, with a stride no longer known: never write over its parts.
                stride = self._strides[upload_id] = 0
            if stride is None and declared >= MIN_PART_BYTES:
                # The first part to arrive sets it: SDKs send parts concurrently, part 1 not always
                # first, and all of one size but the last (which, sent last, never arrives first).
                stride = self._strides[upload_id] = declared
            writing = self._writing.setdefault(upload_id, set())
            if stride is None or declared > stride or number in writing:
                return None
            writing.add(number)
            return (number - 1) * stride

    def parts(self, upload_id: str) -> list[PartMeta]:
        """The parts uploaded so far, by part number."""
        return [
            PartMeta(row["part_number"], row["size"], row["etag"], int(row["crc64"]),
                     row["last_modified"], self._root / row["file"], bytes.fromhex(row["md5"]),
                     row["file_offset"])
            for row in self._db.query(
                "SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number", (upload_id,)
            )
        ]

    def complete(self, upload: UploadMeta, chosen: Sequence[tuple[int, str]]) -> ObjectMeta:
        """Assemble the listed ``(part_number, etag)`` parts into the object, in order."""
        if not chosen:
            raise OssError(400, "MalformedXML", "The XML you provided was not well-formed or did "
                           "not validate against our published schema.")
        numbers = [number for number, _ in chosen]
        if numbers != sorted(set(numbers)):
            raise OssError(400, "InvalidPartOrder", "The list of parts was not in ascending order. "
                           "Parts list must be specified in order by part number.")
        stored = {p.part_number: p for p in self.parts(upload.upload_id)}
        selected: list[PartMeta] = []
        for number, etag in chosen:
            part = stored.get(number)
            if part is None or part.etag != etag.strip('"').upper():
                raise OssError(400, "InvalidPart", "One or more of the specified parts could not "
                               "be found or the specified entity tag might not have matched the "
                               "part's entity tag.", details={"PartNumber": str(number)})
            selected.append(part)
        for part in selected[:-1]:
            if part.size < MIN_PART_BYTES:
                raise OssError(400, "EntityTooSmall", "Your proposed upload is smaller than the "
                               "minimum allowed size.", details={"PartNumber": str(part.part_number)})
        written = self._in_place(upload, selected) or self._assemble(
            selected, self._root / "data" / upload.bucket, _suffix(upload.key)
        )
        etag = hashlib.md5(b"".join(p.md5 for p in selected)).hexdigest().upper()
        if self._db.query_one("SELECT 1 FROM uploads WHERE upload_id = ?", (upload.upload_id,)) is None:
            written.path.unlink(missing_ok=True)
            raise OssError(404, "NoSuchUpload", "The specified upload does not exist.")
        meta = self._commit_object(
            upload.bucket, upload.key, written.path, written.size, f"{etag}-{len(selected)}",
            written.crc64, upload.content_type, "Multipart",
        )
        self.abort(upload.upload_id)
        return meta

    def _in_place(self, upload: UploadMeta, parts: Sequence[PartMeta]) -> _Written | None:
        """The upload's layout file as the object, when it holds exactly the chosen parts, each at
        its place, contiguous and nothing being written into it; ``None`` otherwise."""
        layout = self._root / "parts" / upload.upload_id / LAYOUT
        with self._layout_lock:
            stride = self._strides.get(upload.upload_id)
            if not stride or self._writing.get(upload.upload_id):
                return None
            numbers = [p.part_number for p in parts]
            if numbers != list(range(1, len(parts) + 1)):
                return None
            for part in parts:
                last = part is parts[-1]
                if part.path != layout or part.offset != (part.part_number - 1) * stride:
                    return None
                if part.size != stride and not (last and part.size <= stride):
                    return None
            size = (len(parts) - 1) * stride + parts[-1].size
            folder = self._root / "data" / upload.bucket
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / (uuid.uuid4().hex + _suffix(upload.key))
            os.truncate(layout, size)
            os.replace(layout, final)
            del self._strides[upload.upload_id]  # later parts of this id start a new layout
        crc = 0
        for part in parts:
            crc = combine(crc, part.crc64, part.size)
        return _Written(final, size, b"", crc)

    def abort(self, upload_id: str) -> None:
        """Forget an upload and its parts."""
        with self._layout_lock:
            self._strides.pop(upload_id, None)
            self._writing.pop(upload_id, None)
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            conn.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        folder = self._root / "parts" / upload_id
        if folder.is_dir():
            for child in folder.iterdir():
                child.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                folder.rmdir()

    # -- housekeeping --------------------------------------------------------------------------

    def clear_files(self) -> None:
        """Delete every stored file (the caller clears the tables)."""
        for sub in ("tmp", "data", "parts"):
            for path in sorted((self._root / sub).rglob("*"), reverse=True):
                if path.is_dir():
                    path.rmdir()
                else:
                    path.unlink(missing_ok=True)

    # -- internals -----------------------------------------------------------------------------

    def _rel(self, path: Path) -> str:
        return path.relative_to(self._root).as_posix()

    def _write(
        self, chunks: Iterable[bytes], folder: Path, suffix: str, *, limit: bool = True
    ) -> _Written:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp / uuid.uuid4().hex
        md5 = hashlib.md5()
        crc = Crc64()
        size = 0
        try:
            with tmp.open("wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if limit and size > self._max_bytes:
                        raise OssError(400, "EntityTooLarge", "Your proposed upload exceeds the "
                                       "maximum allowed size.")
                    md5.update(chunk)
                    crc.update(chunk)
                    fh.write(chunk)
            final = folder / (uuid.uuid4().hex + suffix)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return _Written(final, size, md5.digest(), crc.value)

    def _write_at(self, chunks: Iterable[bytes], path: Path, offset: int, declared: int) -> _Written:
        """Write a part into the layout file at ``offset``, hashing on the way (never past its
        declared length: its neighbour starts there)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        md5 = hashlib.md5()
        crc = Crc64()
        size = 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            for chunk in chunks:
                if size + len(chunk) > declared:
                    raise OssError(400, "IncompleteBody", "The request body is longer than its "
                                   "Content-Length.")
                md5.update(chunk)
                crc.update(chunk)
                view = memoryview(chunk)
                while view:
                    done = os.pwrite(fd, view, offset + size)
                    view = view[done:]
                    size += done
        finally:
            os.close(fd)
        return _Written(path, size, md5.digest(), crc.value, offset)

    def _assemble(self, parts: Sequence[PartMeta], folder: Path, suffix: str) -> _Written:
        """Concatenate part files into one object file: copied by the kernel, not through Python, and
        the object's CRC combined from the parts' CRCs instead of reading hundreds of MB again."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp / uuid.uuid4().hex
        crc, size = 0, 0
        try:
            with tmp.open("wb") as out:
                for part in parts:
                    with part.path.open("rb") as src:
                        src.seek(part.offset)
                        _copy(src, out, part.size)
                    crc = combine(crc, part.crc64, part.size)
                    size += part.size
            final = folder / (uuid.uuid4().hex + suffix)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return _Written(final, size, b"", crc)

    def _commit_object(
        self, bucket: str, key: str, path: Path, size: int, etag: str, crc64: int,
        content_type: str, object_type: str,
    ) -> ObjectMeta:
        now = self._clock.now()
        with self._db.transaction() as conn:
            old = conn.execute(
                "SELECT file FROM objects WHERE bucket = ? AND key = ?", (bucket, key)
            ).fetchone()
            conn.execute(
                "INSERT OR REPLACE INTO objects (bucket, key, file, size, etag, crc64, content_type, "
                "object_type, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (bucket, key, self._rel(path), size, etag, str(crc64), content_type, object_type, now),
            )
        if old is not None and old["file"] != self._rel(path):
            (self._root / old["file"]).unlink(missing_ok=True)
        return ObjectMeta(bucket, key, path, size, etag, crc64, content_type, object_type, now)


def _suffix(key: str) -> str:
    """Keep a plain extension on stored files: some probes look at it."""
    suffix = Path(key).suffix
    return suffix.lower() if _SAFE_SUFFIX.match(suffix) else ""


def _copy(src: BinaryIO, dst: BinaryIO, size: int) -> None:
    """``size`` bytes from one file to the end of another; in the kernel where the system can."""
    copy_range = getattr(os, "copy_file_range", None)
    done = 0
    if copy_range is not None:
        try:
            while done < size:
                sent = copy_range(src.fileno(), dst.fileno(), size - done)
                if sent == 0:
                    break
                done += sent
        except OSError:
            pass  # a file system without it: finish in user space from where the kernel stopped
    if done < size:
        src.seek(done)
        dst.seek(0, os.SEEK_END)
        shutil.copyfileobj(src, dst, CHUNK)
