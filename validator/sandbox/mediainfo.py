"""GetMediaInfo's file description, built from the probe's facts: every value a string.

The real service answers with ffprobe-like strings (``"1920"``, ``"330.000000"``, ``"30/1"``) and
leaves out what it does not know; so do we. Pure functions of facts, no I/O.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from validator.facts import MediaFacts, VideoStreamFacts
    from validator.imageinfo import ImageInfo

Info = dict[str, object]


def oss_https_url(bucket: str, key: str, region: str) -> str:
    """The public URL OSS would give ``bucket/key``."""
    return f"https://{bucket}.oss-{region}.aliyuncs.com/{quote(key, safe='/')}"


def file_info(facts: MediaFacts, *, bucket: str, key: str, region: str, created: str) -> Info:
    """One ``FileInfoList`` item: ``FileBasicInfo``, ``VideoStreamInfoList``, ``AudioStreamInfoList``."""
    video = facts.video
    duration = facts.container_duration
    if duration is None and video is not None:
        duration = video.duration
    basic: dict[str, str | None] = {
        "FileName": PurePosixPath(key).name,
        "FileUrl": oss_https_url(bucket, key, region),
        "FileSize": str(facts.size),
        "FileStatus": "Normal",
        "FileType": "source_file",
        "FormatName": facts.format_name,
        "Duration": _seconds(duration),
        "Bitrate": _kbps(facts.size, duration),
        "Width": _int(video.display_width) if video else None,
        "Height": _int(video.display_height) if video else None,
        "Region": region,
        "CreateTime": created,
        "ModifiedTime": created,
    }
    info: Info = {"FileBasicInfo": _compact(basic)}
    info["VideoStreamInfoList"] = [_video_stream(video)] if video is not None else []
    info["AudioStreamInfoList"] = [
        _compact({"Index": str(a.index), "CodecName": a.codec, "Duration": _seconds(a.duration)})
        for a in facts.audio
    ]
    return info


def image_file_info(image: ImageInfo, size: int, *, bucket: str, key: str, region: str, created: str) -> Info:
    """The ``FileInfoList`` item of an image: size and format, no streams."""
    basic = {
        "FileName": PurePosixPath(key).name,
        "FileUrl": oss_https_url(bucket, key, region),
        "FileSize": str(size),
        "FileStatus": "Normal",
        "FileType": "source_file",
        "FormatName": image.format,
        "Width": str(image.width),
        "Height": str(image.height),
        "Region": region,
        "CreateTime": created,
        "ModifiedTime": created,
    }
    return {"FileBasicInfo": basic, "VideoStreamInfoList": [], "AudioStreamInfoList": []}


def _video_stream(video: VideoStreamFacts) -> dict[str, str]:
    sar = video.sample_aspect_ratio
    return _compact(
        {
            "Index": str(video.index),
            "CodecName": video.codec,
            "Profile": video.profile,
            "Width": _int(video.width),
            "Height": _int(video.height),
            "PixFmt": video.pix_fmt,
            "Fps": _rate(video.nominal_rate or video.average_rate),
            "AvgFPS": _rate(video.average_rate),
            "Duration": _seconds(video.duration),
            "NumFrames": _int(video.frames),
            "Rotate": str(video.rotation),
            "Sar": f"{sar.numerator}:{sar.denominator}" if sar else None,
        }
    )


def _compact(values: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in values.items() if v is not None}


def _int(value: int | None) -> str | None:
    return None if value is None else str(value)


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:.6f}"


def _rate(value: Fraction | None) -> str | None:
    return None if value is None else str(round(float(value), 3))


def _kbps(size: int, duration: float | None) -> str | None:
    if not duration:
        return None
    return f"{size * 8 / duration / 1000:.3f}"
