"""Turn the paths people type (files, folders, globs) into the list of files to check.

A folder passes only if every video in it passes, so nothing with a video's name is left out: a
dangling symlink (a git-annex or LFS checkout whose content is missing), a FIFO, a socket, a
sub-folder that cannot be listed are all kept, and their checks fail as unreadable. Files with the
extensions of containers ICE does not take (AVI, MPEG-TS, MXF...) are kept too: their checks fail
``container-format``, where leaving them out would let the folder pass without them.
"""

from __future__ import annotations

import codecs
import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path  # paths as rglob gave them: ./takes/a.mp4 shows as takes/a.mp4

from validator.errors import UsageError
from validator.formats.escape import visible

ACCEPTED_EXTENSIONS = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v", ".qt", ".3gp", ".3g2"})
"""Extensions of the ISO-BMFF and Matroska families, which the probe identifies by content."""
FOREIGN_EXTENSIONS = frozenset(
    {
        ".avi", ".divx", ".mts", ".m2ts", ".ts", ".mxf", ".flv", ".f4v", ".wmv", ".asf",
        ".mpg", ".mpeg", ".m2v", ".vob", ".ogv", ".dv", ".rm", ".rmvb",
    }
)  # fmt: skip
"""Extensions of video containers ICE does not accept: checked, so that they fail loudly."""
VIDEO_EXTENSIONS = ACCEPTED_EXTENSIONS | FOREIGN_EXTENSIONS
_GLOB_CHARS = frozenset("*?[")
_VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})
"""Never searched: a git-annex repository keeps each video's content in .git/annex/objects under
the video's name, which would be checked beside the link that names it."""
_TEXT_SNIFF = 4096


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the paths people typed name."""

    files: tuple[str, ...]
    """Files to check, in a stable order, without duplicates."""


def expand(args: list[str]) -> Inputs:
    """Folders are searched recursively for video extensions; globs are expanded; files pass as given.

    A path that does not exist is kept (its check reports it) unless it is a glob that matched nothing
    or a folder with no videos in it: those are usage errors.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        if path not in seen:
            seen.add(path)
            out.append(path)

    for arg in args:
        if os.path.isdir(arg):
            found = scan(arg)
            if not found:
                looked_for = ", ".join(sorted(VIDEO_EXTENSIONS))
                raise UsageError(f"no video files ({looked_for}) under {visible(arg)}")
            for p in found:
                add(p)
        elif not os.path.lexists(arg) and _GLOB_CHARS & set(arg):
            # Everything but folders: a dangling symlink the pattern names is a missing video.
            matches = sorted(m for m in glob.glob(arg, recursive=True) if not os.path.isdir(m))
            if not matches:
                raise UsageError(f"no files match {visible(arg)}")
            for m in matches:
                add(m)
        else:
            add(arg)
    if not out:
        raise UsageError("no files to check")
    return Inputs(tuple(out))


def scan(folder: str) -> list[str]:
    """Every entry under ``folder`` with a video extension, whatever it is (a file, a dangling
    symlink, a FIFO), and every sub-folder that could not be listed, sorted.

    Symlinked folders are not followed (as ``Path.rglob`` did not), so a link loop cannot hang the scan.
    """
    found: list[str] = []

    def unlistable(exc: OSError) -> None:
        if exc.filename is not None:
            found.append(str(Path(exc.filename)))  # it may hold videos: its check says why it cannot be read

    for root, dirs, files in os.walk(folder, onerror=unlistable):
        dirs[:] = [d for d in dirs if d not in _VCS_FOLDERS]
        found.extend(path for name in files if _is_video_name(path := str(Path(root, name))))
    return sorted(found)


def _is_video_name(path: str) -> bool:
    ext = os.path.splitext(path)[1].lower()
    if ext not in VIDEO_EXTENSIONS:
        return False
    if os.path.isdir(path):
        return False  # a symlink to a folder named like a video: not a file to check
    return ext != ".ts" or not _is_typescript(path)


def _is_typescript(path: str) -> bool:
    """``.ts`` is also TypeScript: a regular file whose first bytes are text (UTF-8, no NUL) is source
    code. A transport stream is binary from its first packet on, even one that is damaged or cut
    short, so it is never mistaken for text. Anything else named ``.ts`` (a FIFO, a dangling link,
    an empty file) is kept, and is never opened: reading a FIFO would wait for a writer."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as f:
            head = f.read(_TEXT_SNIFF)
    except OSError:
        return False
    if not head or b"\0" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut off is fine
    except UnicodeDecodeError:
        return False
    return True
