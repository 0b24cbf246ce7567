"""The codecs the generator writes: encoder, pixel formats, and options that keep the output small."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samples.generate.spec import Style, VideoSpec

CODECS: tuple[str, ...] = ("h264", "hevc", "vp8", "vp9", "prores", "png", "qtrle", "ffv1")


@dataclass(frozen=True, slots=True)
class Codec:
    """How one codec of :data:`CODECS` is written."""

    encoder: str
    pix_fmt: str
    alpha_pix_fmt: str | None
    shared_in_mp4: bool
    """In MP4/MOV (not fragmented): store the frames once and point every sample at them."""
    stored_frames: int
    """Intra-only codecs: distinct frames cycled (every one a keyframe); 0: one GOP repeats."""


CODEC_TABLE: dict[str, Codec] = {
    "h264": Codec("libx264", "yuv420p", None, False, 0),
    "hevc": Codec("libx265", "yuv420p", None, False, 0),
    "vp8": Codec("libvpx", "yuv420p", "yuva420p", False, 0),
    "vp9": Codec("libvpx-vp9", "yuv420p", "yuva420p", False, 0),
    "prores": Codec("prores_ks", "yuv422p10le", "yuva444p10le", True, 3),
    "png": Codec("png", "rgb24", "rgba", True, 3),
    "qtrle": Codec("qtrle", "rgb24", "argb", True, 0),
    "ffv1": Codec("ffv1", "yuv420p", "yuva420p", True, 3),
}

PRORES_PROFILES = ("proxy", "lt", "standard", "hq", "4444", "4444xq")


def prores_profile(profile: str | None, alpha: bool) -> str:
    """The ``prores_ks`` profile to use (default ``4444`` with alpha, ``hq`` without)."""
    chosen = profile or ("4444" if alpha else "hq")
    if chosen not in PRORES_PROFILES:
        raise ValueError(f"unknown ProRes profile {chosen!r}; one of {PRORES_PROFILES}")
    if alpha and not chosen.startswith("4444"):
        raise ValueError("ProRes with alpha needs profile 4444 or 4444xq")
    return chosen


def pix_fmt(spec: VideoSpec) -> str:
    """The pixel format the encoder is fed."""
    info = CODEC_TABLE[spec.codec]
    if spec.alpha:
        assert info.alpha_pix_fmt is not None
        return info.alpha_pix_fmt
    if spec.codec == "prores" and prores_profile(spec.profile, spec.alpha).startswith("4444"):
        return "yuv444p10le"
    return info.pix_fmt


def encoder_options(spec: VideoSpec, gop: int, style: Style) -> dict[str, str]:
    """Encoder options: closed GOPs of exactly ``gop`` frames, no reordering, small output."""
    q = style.quality
    codec = spec.codec
    if codec == "h264":
        # CAVLC codes an all-skip P-frame in ~30 bytes (CABAC: ~80): the repeated GOP stays small.
        params = f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:open-gop=0:cabac=0"
        return {"preset": "veryfast", "crf": str(q if q is not None else 32), "x264-params": params}
    if codec == "hevc":
        params = (
            f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:open-gop=0"
            ":repeat-headers=0:info=0:log-level=error"
        )
        crf = str(q if q is not None else 32)
        return {"preset": "ultrafast", "crf": crf, "x265-params": params}
    if codec == "vp9":
        return {
            "deadline": "realtime",
            "cpu-used": "8",
            "crf": str(q if q is not None else 50),
            "b": "0",
            "lag-in-frames": "0",
            "auto-alt-ref": "0",
            "tile-columns": "0",
            "row-mt": "1",
            "keyint_min": str(gop),
        }
    if codec == "vp8":
        # VP8 alpha needs auto-alt-ref=0; a high static threshold keeps unchanged blocks skipped.
        return {
            "deadline": "realtime",
            "cpu-used": "-16",
            "crf": str(q if q is not None else 40),
            "b": "500k",
            "lag-in-frames": "0",
            "auto-alt-ref": "0",
            "static-thresh": "100000",
            "keyint_min": str(gop),
        }
    if codec == "prores":
        return {"profile": prores_profile(spec.profile, spec.alpha), "vendor": "apl0"}
    if codec == "ffv1":
        # Golomb-Rice coding has a run mode: flat content costs ~4x less than the range coder.
        return {"level": "3", "coder": "0", "context": "0", "slices": "4", "slicecrc": "1"}
    return {}
