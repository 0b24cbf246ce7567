"""Multipart uploads laid out as their parts arrive, so that completing one is a rename, not a copy.

Parts that share one size (what every SDK sends) are written into one file of the upload, part ``n``
at ``(n - 1) * stride``, the stride being the declared length of the first part to arrive. Anything
else (parts of mixed sizes, a part sent again, a part still arriving) gets a file of its own and the
object is assembled by copying (:func:`validator.sandbox.files.assemble`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from validator.sandbox.stored import PartMeta, UploadMeta

LAYOUT = "layout"
"""The file of an upload that parts of the common size are written into, each at its place."""
MIN_PART_BYTES = 100 * 1024
"""Every part but the last must be at least this large (OSS's rule)."""


class Layouts:
    """The layout files of the uploads in progress, and which places in them are being written."""

    def __init__(self, parts_root: Path, max_bytes: int) -> None:
        self._parts_root = parts_root
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._strides: dict[str, int] = {}
        """Upload id -> the part size of its layout file (0: a layout from before a restart, closed)."""
        self._writing: dict[str, set[int]] = {}
        """Upload id -> part numbers being written into its layout file right now."""

    def path(self, upload_id: str) -> Path:
        return self._parts_root / upload_id / LAYOUT

    def claim(self, upload_id: str, number: int, declared: int | None, *, stored: bool) -> int | None:
        """The offset to write part ``number`` at in the upload's layout file; ``None`` for a file
        of its own (no declared length, no stride yet, a larger size than the stride, a part number
        ``stored`` or being written already). A claimed place is given back with :meth:`release`."""
        if declared is None or not 0 < declared <= self._max_bytes:
            return None
        if stored:
            return None  # a part sent again: never over the stored one, which a failure would ruin
        with self._lock:
            stride = self._strides.get(upload_id)
            if stride is None and self.path(upload_id).exists():
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

    def release(self, upload_id: str, number: int) -> None:
        with self._lock:
            self._writing.get(upload_id, set()).discard(number)

    def stage(self, upload: UploadMeta, parts: Sequence[PartMeta]) -> Path | None:
        """The upload's layout file, cut to the object's length and closed to new parts, when it
        holds exactly the chosen parts, each at its place, contiguous and nothing being written into
        it; ``None`` otherwise. The caller checks it and renames it into place as the object."""
        layout = self.path(upload.upload_id)
        with self._lock:
            stride = self._strides.get(upload.upload_id)
            if not stride or self._writing.get(upload.upload_id) or not _fills(parts, layout, stride):
                return None
            os.truncate(layout, (len(parts) - 1) * stride + parts[-1].size)
            self._strides[upload.upload_id] = 0  # closed: a part sent now gets a file of its own
        return layout

    def forget(self, upload_id: str) -> None:
        with self._lock:
            self._strides.pop(upload_id, None)
            self._writing.pop(upload_id, None)


def _fills(parts: Sequence[PartMeta], layout: Path, stride: int) -> bool:
    """Whether ``parts`` are 1..n, all in ``layout`` at their places, all a stride long but the last."""
    if [p.part_number for p in parts] != list(range(1, len(parts) + 1)):
        return False
    for part in parts:
        last = part is parts[-1]
        if part.path != layout or part.offset != (part.part_number - 1) * stride:
            return False
        if part.size != stride and not (last and part.size <= stride):
            return False
    return True
