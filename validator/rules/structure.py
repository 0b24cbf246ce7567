"""Checks of the file as a whole: complete, a video in an accepted container, with audio, an index
where a remote reader finds it, and an extension that tells the truth."""

from __future__ import annotations

import os
from collections.abc import Iterator

from validator.facts import MediaFacts, MoovPosition
from validator.probe.brands import ISOBMFF
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
    ".avi": "avi",
    ".divx": "avi",
    ".ts": "mpegts",
    ".mts": "mpegts",
    ".m2ts": "mpegts",
    ".mxf": "mxf",
    ".flv": "flv",
    ".f4v": "mp4",
    ".wmv": "asf",
    ".asf": "asf",
    ".mpg": "mpeg",
    ".mpeg": "mpeg",
    ".m2v": "mpegvideo",
    ".vob": "mpeg",
    ".ogv": "ogg",
    ".dv": "dv",
    ".rm": "rm",
    ".rmvb": "rm",
}
"""What container each video extension promises (FFmpeg's demuxer names for the foreign ones)."""
NAMES = {
    "mp4": "MP4",
    "mov": "MOV (QuickTime)",
    "webm": "WebM",
    "matroska": "Matroska (MKV)",
    "3gp": "3GP",
    "m4v": "M4V (iTunes video)",
    "m4a": "M4A (audio)",
    "mj2": "Motion JPEG 2000",
    "avi": "AVI",
    "mpegts": "MPEG transport stream (TS/MTS/M2TS)",
    "mxf": "MXF",
    "flv": "FLV (Flash video)",
    "asf": "ASF (WMV)",
    "mpeg": "MPEG program stream (MPG/VOB)",
    "mpegvideo": "raw MPEG video",
    "ogg": "Ogg",
    "dv": "DV",
    "rm": "RealMedia",
}
"""How the container-format finding names a container: never as FFmpeg's list of demuxer names."""
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
        f"The container is {container_title(facts)}, not {accepted}.",
        accepted,
        str(facts.container),
        fixes.remux(facts, profile) if facts.video else None,
    )


def container_title(facts: MediaFacts) -> str:
    """The container as people call it; an ISO base media file no known brand claims, by its brand."""
    if facts.container == ISOBMFF:
        return f"an ISO base media file of brand {facts.brand!r} that claims no MP4 or QuickTime brand"
    name = str(facts.container)
    return NAMES.get(name) or name.split(",")[0].upper()


def extension_mismatch(facts: MediaFacts, profile: Profile, declared: bool | None) -> Iterator[Draft]:
    ext = os.path.splitext(facts.path)[1].lower()
    promised = EXTENSIONS.get(ext)
    if facts.container in (None, promised, ISOBMFF):  # no known brand: no extension to recommend
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
