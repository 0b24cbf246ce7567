"""The table of test videos: how each is made, and the facts and findings it must produce.

Every file is generated with PyAV by ``samples.generate`` into a session-scoped temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samples.generate import VideoSpec

LONG = 330.0  # a comfortably valid training length


@dataclass(frozen=True)
class Case:
    filename: str
    spec: VideoSpec
    facts: dict[str, Any] = field(default_factory=dict)
    """Expected values: keys are MediaFacts attributes, or ``video.X`` for the video stream."""
    errors: frozenset[str] = frozenset()
    """Exactly the error rule ids expected (with --transparent auto)."""
    warnings: frozenset[str] = frozenset()
    """Exactly the warning rule ids expected."""


def _c(
    filename: str,
    spec: VideoSpec,
    facts: dict[str, Any],
    errors: set[str] | None = None,
    warnings: set[str] | None = None,
) -> Case:
    return Case(filename, spec, facts, frozenset(errors or ()), frozenset(warnings or ()))


H264 = dict(container="mp4", codec="h264", width=1920, height=1080, duration=LONG, audio_duration=LONG)

CASES: dict[str, Case] = {
    "landscape": _c(
        "landscape.mp4",
        VideoSpec(**H264),
        {
            "container": "mp4",
            "video.codec": "h264",
            "video.display_width": 1920,
            "video.display_height": 1080,
            "video.duration": LONG,
            "video.duration_source": "stream",
            "moov_position": "start",
            "transparent": False,
            "fragmented": False,
        },
    ),
    "portrait": _c(
        "portrait.mp4",
        VideoSpec(**{**H264, "width": 1080, "height": 1920}),
        {"video.display_width": 1080, "video.display_height": 1920},
    ),
    "moov_end": _c(
        "moov-end.mp4",
        VideoSpec(**{**H264, "faststart": False}),
        {"moov_position": "end"},
        warnings={"moov-at-end"},
    ),
    "dur_299_9": _c(
        "d2999.mp4",
        VideoSpec(**{**H264, "fps": 30, "duration": 299.9, "audio_duration": 299.9}),
        {"video.duration": 299.9, "video.frames": 8997},
        errors={"duration-range"},
    ),
    "dur_300": _c(
        "d300.mp4",
        VideoSpec(**{**H264, "fps": 30, "duration": 300.0, "audio_duration": 300.0}),
        {"video.duration": 300.0, "video.frames": 9000},
    ),
    "dur_900": _c(
        "d900.mp4",
        VideoSpec(**{**H264, "fps": 30, "duration": 900.0, "audio_duration": 900.0}),
        {"video.duration": 900.0},
    ),
    "dur_900_1": _c(
        "d9001.mp4",
        VideoSpec(**{**H264, "fps": 30, "duration": 900.1, "audio_duration": 900.1}),
        {"video.duration": 900.1},
        errors={"duration-range"},
    ),
    "res_720p": _c(
        "hd720.mp4",
        VideoSpec(**{**H264, "width": 1280, "height": 720}),
        {"video.width": 1280, "video.height": 720},
        errors={"resolution"},
    ),
    "rotated": _c(
        "phone.mp4",
        VideoSpec(**{**H264, "rotation": 90}),
        {
            "video.rotation": 90,
            "video.width": 1920,
            "video.height": 1080,
            "video.display_width": 1080,
            "video.display_height": 1920,
        },
        warnings={"rotation"},
    ),
    "rotated_wrong": _c(
        "phone-small.mp4",
        VideoSpec(**{**H264, "width": 1280, "height": 720, "rotation": 270}),
        {"video.rotation": 270, "video.display_width": 720, "video.display_height": 1280},
        errors={"resolution"},
        warnings={"rotation"},
    ),
    "sar": _c(
        "anamorphic.mp4",
        VideoSpec(**{**H264, "sar": (4, 3)}),
        {"video.sample_aspect_ratio": "4/3"},
        warnings={"pixel-aspect"},
    ),
    "low_fps": _c(
        "slow.mp4", VideoSpec(**{**H264, "fps": 20}), {"video.average_rate": 20}, warnings={"frame-rate-low"}
    ),
    "vfr": _c(
        "vfr.mp4",
        VideoSpec(**{**H264, "fps": 30, "variable_fps": True}),
        {},
        warnings={"frame-rate-variable"},
    ),
    "no_audio": _c(
        "silent.mp4", VideoSpec(**{**H264, "audio_duration": None}), {"audio": ()}, warnings={"audio-missing"}
    ),
    "audio_longer": _c(
        "long-audio.mp4",
        VideoSpec(**{**H264, "duration": 290.0, "audio_duration": 310.0}),
        {"video.duration": 290.0},
        errors={"duration-range"},
    ),
    "audio_longer_mkv": _c(
        "long-audio.mkv",
        VideoSpec(**{**H264, "container": "mkv", "duration": 290.0, "audio_duration": 310.0}),
        {"container": "matroska", "video.duration": 290.0, "video.duration_source": "stream_tag"},
        errors={"duration-range", "container-format"},
    ),
    "fragmented": _c(
        "frag.mp4",
        VideoSpec(**{**H264, "fragmented": True}),
        {"fragmented": True, "video.duration": LONG, "video.duration_source": "fragments"},
    ),
    "mov_named_mp4": _c(
        "quicktime.mp4",
        VideoSpec(**{**H264, "container": "mov"}),
        {"container": "mov", "brand": "qt  "},
        warnings={"extension-mismatch"},
    ),
    "mkv_named_webm": _c(
        "actually-mkv.webm",
        VideoSpec(container="mkv", codec="vp9", duration=LONG, audio_duration=LONG),
        {"container": "matroska", "brand": "matroska"},
        errors={"container-format"},
        warnings={"extension-mismatch"},
    ),
    "vp9_webm": _c(
        "opaque.webm",
        VideoSpec(container="webm", codec="vp9", duration=LONG, audio_duration=LONG),
        {
            "container": "webm",
            "brand": "webm",
            "video.codec": "vp9",
            "transparent": False,
            "video.duration_source": "stream_tag",
        },
    ),
    "vp9_alpha": _c(
        "alpha-vp9.webm",
        VideoSpec(container="webm", codec="vp9", alpha=True, duration=LONG, audio_duration=LONG),
        {"transparent": True, "video.pix_fmt": "yuv420p", "alpha_pieces": {"matroska_alpha_mode"}},
    ),
    "vp8_alpha": _c(
        "alpha-vp8.webm",
        VideoSpec(container="webm", codec="vp8", alpha=True, duration=LONG, audio_duration=LONG),
        {"transparent": True, "video.codec": "vp8", "alpha_pieces": {"matroska_alpha_mode"}},
    ),
    "live_webm": _c(
        "live.webm",
        VideoSpec(container="webm", codec="vp9", alpha=True, duration=LONG, live=True),
        {
            "video.duration": LONG,
            "video.duration_source": "last_block",
            "transparent": True,
            "container_duration": None,
        },
        warnings={"audio-missing"},
    ),
    "live_webm_900": _c(
        "live-900.webm",
        VideoSpec(container="webm", codec="vp9", fps=30, duration=900.0, audio_duration=900.0, live=True),
        {"video.duration": 900.0, "video.duration_source": "last_block"},
    ),
    "prores_alpha": _c(
        "alpha-prores.mov",
        VideoSpec(container="mov", codec="prores", alpha=True, duration=LONG, audio_duration=LONG),
        {"container": "mov", "video.codec": "prores", "transparent": True, "video.bit_depth": 12},
    ),
    "prores_opaque": _c(
        "opaque-prores.mov",
        VideoSpec(container="mov", codec="prores", alpha=False, duration=LONG, audio_duration=LONG),
        {"video.codec": "prores", "transparent": False},
    ),
    "prores_alpha_opaque": _c(
        "alpha-but-opaque.mov",
        VideoSpec(
            container="mov", codec="prores", alpha=True, alpha_opaque=True, duration=LONG, audio_duration=LONG
        ),
        {"transparent": True},
    ),
    "png_alpha": _c(
        "alpha-png.mov",
        VideoSpec(container="mov", codec="png", alpha=True, duration=LONG, audio_duration=LONG),
        {"transparent": True, "video.pix_fmt": "rgba"},
    ),
    "qtrle_alpha": _c(
        "alpha-qtrle.mov",
        VideoSpec(container="mov", codec="qtrle", alpha=True, duration=LONG, audio_duration=LONG),
        {"transparent": True, "video.pix_fmt": "argb"},
    ),
    "ffv1_alpha": _c(
        "alpha-ffv1.mkv",
        VideoSpec(container="mkv", codec="ffv1", alpha=True, duration=LONG, audio_duration=LONG),
        {"transparent": True, "video.pix_fmt": "yuva420p", "container": "matroska"},
        errors={"container-format"},
    ),
}
