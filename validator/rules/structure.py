"""Checks of the file as a whole: complete, a video in an accepted container, with audio, an index
where a remote reader finds it, and an extension that tells the truth."""

from __future__ import annotations

import os
from collections.abc import Iterator

from validator.facts import MediaFacts, MoovPosition
from validator.profile import Profile
from validator.rules.draft import Draft

EXTENSIONS = {
    ".mp4": "mp4",
    ".m4v": "m4v",
    ".mov": "mov",
    ".qt": "mov",
    ".webm": "webm",
    ".mkv": "matroska",
    ".3gp": "3gp",
    ".3g2": "3gp",
    ".m4a": "m4a",
}
"""What container each video extension promises."""
CANONICAL_EXTENSION = {
    "mp4": "mp4",
    "mov": "mov",
    "webm": "webm",
    "matroska": "mkv",
    "3gp": "3gp",
    "m4v": "m4v",
}


def file_truncated(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.truncated:
        yield Draft(
            "file-truncated",
            "The file is cut short: its structure claims more data than it holds.",
            "a complete file",
            f"{facts.size} bytes",
            "Copy or export the file again; it is incomplete.",
        )


def video_missing(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is None:
        kinds = "audio only" if facts.audio else "no streams"
        yield Draft(
            "video-missing",
            f"The file has no video stream ({kinds}).",
            "one video stream",
            kinds,
            "Supply the recorded video file, not an audio or data file.",
        )


def container_format(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.container in profile.containers:
        return
    from validator.rules import fixes

    accepted = ", ".join(c.upper() for c in profile.containers)
    yield Draft(
        "container-format",
        f"The container is {facts.container}, not {accepted}.",
        accepted,
        str(facts.container),
        fixes.remux(facts, profile) if facts.video else None,
    )


def extension_mismatch(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    ext = os.path.splitext(facts.path)[1].lower()
    promised = EXTENSIONS.get(ext)
    if facts.container is None or promised == facts.container:
        return
    from validator.rules import fixes

    right = CANONICAL_EXTENSION.get(facts.container)
    fix = fixes.rename(facts, right) if right else None
    yield Draft(
        "extension-mismatch",
        f"The extension {ext or '(none)'} does not match the content, which is {facts.container}.",
        f".{right}" if right else None,
        ext or "(none)",
        fix,
    )


def audio_missing(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.video is not None and not facts.audio:
        from validator.rules import fixes

        yield Draft(
            "audio-missing",
            "The file has no audio track: the avatar's voice is usually trained from it.",
            "an audio track",
            "none",
            fixes.add_audio(facts),
        )


def moov_at_end(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    if facts.moov_position is MoovPosition.END:
        from validator.rules import fixes

        yield Draft(
            "moov-at-end",
            "The index (moov) is at the end of the file: probing it remotely is slow.",
            "moov before the media data",
            "moov after the media data",
            fixes.faststart(facts),
        )
