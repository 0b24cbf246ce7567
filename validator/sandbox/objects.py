"""Object storage on disk: whole objects, multipart uploads and their parts, indexed in SQLite.

Each stored version gets a fresh file name (:mod:`validator.sandbox.files` writes it); metadata in
SQLite points at it, and the old file is unlinked once the new row is committed (a reader that
already opened it keeps reading). Parts of one size are laid out in one file as they arrive
(:mod:`validator.sandbox.layout`), so completing the upload is a rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from validator.sandbox import files
from validator.sandbox.clock import Clock
from validator.sandbox.db import Database
from validator.sandbox.errors import OssError
from validator.sandbox.layout import LAYOUT, MIN_PART_BYTES, Layouts
from validator.sandbox.stored import ObjectMeta, PartMeta, UploadMeta

MAX_PART_NUMBER = 10000

__all__ = ["MIN_PART_BYTES", "ObjectMeta", "ObjectStore", "PartMeta", "UploadMeta"]


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
        self._layouts = Layouts(root / "parts", max_bytes)

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
        folder = self._root / "data" / bucket
        written = files.write(chunks, self._tmp, folder, files.suffix_of(key), self._max_bytes)
        if content_md5 is not None and content_md5 != written.md5:
            written.path.unlink(missing_ok=True)
            raise OssError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        return self._commit_object(
            bucket,
            key,
            written.path,
            written.size,
            written.md5.hex().upper(),
            written.crc64,
            content_type,
            "Normal",
        )

    def head(self, bucket: str, key: str) -> ObjectMeta | None:
        """Metadata of an object, or ``None``."""
        row = self._db.query_one("SELECT * FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        if row is None:
            return None
        return ObjectMeta(
            bucket=row["bucket"],
            key=row["key"],
            path=self._root / row["file"],
            size=row["size"],
            etag=row["etag"],
            crc64=int(row["crc64"]),
            content_type=row["content_type"],
            object_type=row["object_type"],
            last_modified=row["last_modified"],
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
            "INSERT INTO uploads (upload_id, bucket, key, content_type, initiated) VALUES (?, ?, ?, ?, ?)",
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
                404,
                "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload "
                "may have been aborted or completed.",
                details={"UploadId": upload_id},
            )
        return UploadMeta(row["upload_id"], row["bucket"], row["key"], row["content_type"], row["initiated"])

    def put_part(
        self,
        upload: UploadMeta,
        part_number: int,
        chunks: Iterable[bytes],
        declared_length: int | None = None,
    ) -> PartMeta:
        """Store one part, replacing an earlier part with the same number."""
        if not 1 <= part_number <= MAX_PART_NUMBER:
            raise OssError(
                400,
                "InvalidArgument",
                f"Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive.",
                details={"ArgumentName": "partNumber"},
            )
        folder = self._root / "parts" / upload.upload_id
        stored = self._db.query_one(
            "SELECT 1 FROM parts WHERE upload_id = ? AND part_number = ?", (upload.upload_id, part_number)
        )
        offset = self._layouts.claim(
            upload.upload_id, part_number, declared_length, stored=stored is not None
        )
        if offset is None:
            written = files.write(chunks, self._tmp, folder, "", self._max_bytes)
        else:
            try:
                written = files.write_at(chunks, folder / LAYOUT, offset, declared_length or 0)
            finally:
                self._layouts.release(upload.upload_id, part_number)
        part = PartMeta(
            part_number,
            written.size,
            written.md5.hex().upper(),
            written.crc64,
            self._clock.now(),
            written.path,
            written.md5,
            written.offset,
        )
        with self._db.transaction() as conn:
            alive = conn.execute("SELECT 1 FROM uploads WHERE upload_id = ?", (upload.upload_id,)).fetchone()
            old = conn.execute(
                "SELECT file FROM parts WHERE upload_id = ? AND part_number = ?",
                (upload.upload_id, part_number),
            ).fetchone()
            if alive is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO parts (upload_id, part_number, file, size, etag, md5, "
                    "crc64, last_modified, file_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        upload.upload_id,
                        part_number,
                        self._rel(written.path),
                        part.size,
                        part.etag,
                        part.md5.hex(),
                        str(part.crc64),
                        part.last_modified,
                        written.offset,
                    ),
                )
        if alive is None:
            if written.path.name != LAYOUT:
                written.path.unlink(missing_ok=True)
            raise OssError(404, "NoSuchUpload", "The specified upload does not exist.")
        if old is not None and Path(old["file"]).name != LAYOUT:  # a layout holds other parts too
            (self._root / old["file"]).unlink(missing_ok=True)
        return part

    def parts(self, upload_id: str) -> list[PartMeta]:
        """The parts uploaded so far, by part number."""
        return [
            PartMeta(
                row["part_number"],
                row["size"],
                row["etag"],
                int(row["crc64"]),
                row["last_modified"],
                self._root / row["file"],
                bytes.fromhex(row["md5"]),
                row["file_offset"],
            )
            for row in self._db.query(
                "SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number", (upload_id,)
            )
        ]

    def complete(self, upload: UploadMeta, chosen: Sequence[tuple[int, str]]) -> ObjectMeta:
        """Assemble the listed ``(part_number, etag)`` parts into the object, in order."""
        if not chosen:
            raise OssError(
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema.",
            )
        numbers = [number for number, _ in chosen]
        if numbers != sorted(set(numbers)):
            raise OssError(
                400,
                "InvalidPartOrder",
                "The list of parts was not in ascending order. "
                "Parts list must be specified in order by part number.",
            )
        stored = {p.part_number: p for p in self.parts(upload.upload_id)}
        selected: list[PartMeta] = []
        for number, etag in chosen:
            part = stored.get(number)
            if part is None or part.etag != etag.strip('"').upper():
                raise OssError(
                    400,
                    "InvalidPart",
                    "One or more of the specified parts could not "
                    "be found or the specified entity tag might not have matched the "
                    "part's entity tag.",
                    details={"PartNumber": str(number)},
                )
            selected.append(part)
        for part in selected[:-1]:
            if part.size < MIN_PART_BYTES:
                raise OssError(
                    400,
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size.",
                    details={"PartNumber": str(part.part_number)},
                )
        folder, suffix = self._root / "data" / upload.bucket, files.suffix_of(upload.key)
        written = self._layouts.take(upload, selected, folder, suffix) or files.assemble(
            selected, self._tmp, folder, suffix
        )
        etag = hashlib.md5(b"".join(p.md5 for p in selected)).hexdigest().upper()
        if self._db.query_one("SELECT 1 FROM uploads WHERE upload_id = ?", (upload.upload_id,)) is None:
            written.path.unlink(missing_ok=True)
            raise OssError(404, "NoSuchUpload", "The specified upload does not exist.")
        meta = self._commit_object(
            upload.bucket,
            upload.key,
            written.path,
            written.size,
            f"{etag}-{len(selected)}",
            written.crc64,
            upload.content_type,
            "Multipart",
        )
        self.abort(upload.upload_id)
        return meta

    def abort(self, upload_id: str) -> None:
        """Forget an upload and its parts."""
        self._layouts.forget(upload_id)
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

    def _commit_object(
        self,
        bucket: str,
        key: str,
        path: Path,
        size: int,
        etag: str,
        crc64: int,
        content_type: str,
        object_type: str,
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
