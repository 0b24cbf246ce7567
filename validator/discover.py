"""Turn the paths people type (files, folders, globs) into the list of files to check."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from validator.errors import UsageError

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v", ".qt", ".3gp"})
_GLOB_CHARS = frozenset("*?[")


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
            found = sorted(
                str(p) for p in Path(arg).rglob("*") if p.suffix.lower() in VIDEO_EXTENSIONS and p.is_file()
            )
            if not found:
                raise UsageError(f"no video files ({', '.join(sorted(VIDEO_EXTENSIONS))}) under {arg}")
            for p in found:
                add(p)
        elif not os.path.lexists(arg) and _GLOB_CHARS & set(arg):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if os.path.isfile(m))
            if not matches:
                raise UsageError(f"no files match {arg}")
            for m in matches:
                add(m)
        else:
            add(arg)
    if not out:
        raise UsageError("no files to check")
    return Inputs(tuple(out))
