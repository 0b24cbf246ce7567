"""Step 2: a portrait file must be a JPEG or PNG whose width equals its height.

CreateAvatarTrainingJob asks for a square portrait; the header is read by :mod:`validator.imageinfo`.
"""

from __future__ import annotations

import os

from validator.findings import Finding, Severity
from validator.imageinfo import read_image_info


def portrait_problems(path: str | os.PathLike[str]) -> list[Finding]:
    """Step 2 for a portrait file: a JPEG or PNG whose width equals its height."""
    try:
        info = read_image_info(path)
    except OSError as exc:
        return [
            Finding(
                "portrait-format",
                Severity.ERROR,
                f"the portrait cannot be read: {exc.strerror or exc}",
                "a readable JPEG or PNG",
                None,
                "Check the path and that you may read the file.",
            )
        ]
    if info is None:
        return [
            Finding(
                "portrait-format",
                Severity.ERROR,
                "the portrait is not a JPEG or PNG image",
                "JPEG or PNG",
                None,
                f"Convert it: ffmpeg -i {os.fspath(path)} portrait.png",
            )
        ]
    if info.width != info.height:
        side = min(info.width, info.height)
        return [
            Finding(
                "portrait-square",
                Severity.ERROR,
                f"the portrait must be square; it is {info.width}x{info.height}",
                "width = height",
                f"{info.width}x{info.height}",
                f"Crop it: ffmpeg -i {os.fspath(path)} -vf crop={side}:{side} portrait-square.png",
            )
        ]
    return []
