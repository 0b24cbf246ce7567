"""Profiles are data: the thresholds and severities the rules judge against.

The default profile, ``ice-avatar-training``, encodes the rules of ICE's UpdateAvatarTrainingJob. A
TOML file (``--rules FILE``, ``avatar-preflight.toml``) or ``[tool.avatar-preflight]`` in
``pyproject.toml`` overrides any field; keys may use ``-`` or ``_``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from validator.errors import ProfileError
from validator.findings import Severity
from validator.rules.catalog import RULES
from validator.rules.content_audio import THRESHOLD_NAMES, AudioThresholds


def _toml() -> ModuleType:
    """The TOML parser, imported only when a file is actually read: ``tomllib`` took 7.8 ms to import
    (fastest of 15 fresh processes on the shared 2-core machine), which a run in a project without
    configuration does not pay."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    module: ModuleType = tomllib
    return module


DEFAULT_NAME = "ice-avatar-training"
PROFILE_FILE = "avatar-preflight.toml"
# Keys [tool.avatar-preflight] may hold that are settings of other commands, not of the profile.
NON_PROFILE_KEYS = frozenset({"region", "endpoint", "bucket", "prefix", "oss_endpoint", "profile_name"})


@dataclass(frozen=True, slots=True)
class Profile:
    """What a training video must be. Frozen and validated on construction."""

    name: str = DEFAULT_NAME
    containers: tuple[str, ...] = ("mp4", "mov", "webm")
    """Accepted containers, identified by content."""
    min_duration: float = 300.0
    """Shortest accepted video stream, seconds (inclusive)."""
    max_duration: float = 900.0
    """Longest accepted video stream, seconds (inclusive)."""
    resolutions: tuple[tuple[int, int], ...] = ((1920, 1080), (1080, 1920))
    """Accepted displayed sizes, width x height."""
    min_frame_rate: float = 25.0
    """Below this average frame rate, warn."""
    variable_rate_tolerance: float = 0.01
    """Relative difference between average and nominal rate above which the rate counts as variable."""
    opaque_alpha: int = 250
    """An alpha value (0-255) at or above this counts as opaque (lossy VP9 decodes opaque as ~253)."""
    deep_frames: int = 8
    """Frames ``--deep`` decodes, evenly spaced."""
    # --- content (``--content``): sampling, and the picture rules' thresholds -------------------
    content_samples: int = 120
    """Frames ``--content`` samples at most over the whole take: a 15-minute take gets one every
    ~8 s, denser in its first and last 30 s (the reference's projection: ~150 samples with the audio
    in parallel bring a 15-minute take near 10-15 s)."""
    content_spacing: float = 4.0
    """Seconds between samples at least: a 5-minute take gets ~75 samples, a 40-second one 10 (the
    cost is per sample: ~50 ms to decode a 1080p keyframe, ~12 ms to look for faces in it)."""
    face_missing_share: float = 0.1
    """face-missing: share of samples without a face above which it fires. Providers want the face in
    every frame (RAD-NeRF/ER-NeRF family; one missing face broke GeneFace training); the tenth allows
    for the frontal cascade missing a turned head."""
    face_count_share: float = 0.05
    """face-count: share of samples with two or more faces above which it fires (one person only:
    Beyond Presence, Alibaba Tongyi Xingchen's guide)."""
    face_min_height: float = 0.2
    """face-small: the median face height must be at least this share of the frame's shorter side
    (Huawei MetaStudio: the face more than 1/5 of the frame)."""
    face_edge_margin: float = 0.01
    """face-edge: a face box within this share of the frame size of an edge touches it."""
    face_edge_share: float = 0.05
    """face-edge: share of samples whose face touches an edge above which it fires."""
    face_jump: float = 0.5
    """face-unsteady: the face's centre may move at most this many face heights between samples a few
    seconds apart (a seated speaker sways a tenth; a camera moved or a person walking jumps)."""
    face_drift: float = 1.0
    """face-unsteady: the spread (5th to 95th percentile) of the face's centre over the take, in face
    heights (Tencent: no big head moves; Synthesia, Alibaba's guide: camera still, on a tripod)."""
    cut_score: float = 0.5
    """scene-cut: share of the picture that must change between neighbouring frames for a cut (HeyGen:
    one take, no cuts; Tencent: unedited). A pan or a person entering changes far less."""
    exposure_min_luma: float = 50.0
    """exposure: the median face luma (0-255) at least this: a dark face loses the mouth's detail
    (even light, no shadows on the face: Alibaba's guide, Beyond Presence, Synthesia)."""
    exposure_max_luma: float = 220.0
    """exposure: the median face luma at most this: over-exposed skin has no texture left."""
    blur_min_sharpness: float = 40.0
    """blur: variance of the Laplacian over the face (96 pixels high, contrast normalised) at least
    this. Measured here on a 1080p face: in focus ~150, blurred by a 3-pixel Gaussian ~55, by 5
    pixels ~24 (focus on the face, autofocus off: Alibaba's guide)."""
    greenscreen_min_share: float = 0.25
    """A take is a green-screen take when at least this share of the picture is key green."""
    greenscreen_max_spread: float = 0.35
    """greenscreen-uneven: the key green's brightness may spread (10th-90th percentile over the
    median) at most this much (flat and even: Alibaba's guide)."""
    spill_max_share: float = 0.15
    """green-spill: share of the face's pixels tinted green above which it fires (subject more than
    2.5 m from the screen: Alibaba's guide; no green clothing)."""
    alpha_face_opaque: float = 0.9
    """alpha-hole: share of the face box that must be opaque in the matte."""
    alpha_flicker: float = 0.15
    """alpha-flicker: change of the opaque share between neighbouring samples above which it fires."""
    audio: AudioThresholds = field(default_factory=AudioThresholds)
    """The sound's rules' thresholds (``[audio]`` in a profile file; each default's source is on
    :class:`~validator.rules.content_audio.AudioThresholds`)."""
    severities: Mapping[str, Severity | None] = field(default_factory=dict)
    """Per-rule severity overrides; ``None`` turns a rule off."""

    def __post_init__(self) -> None:
        if not 0 <= self.min_duration <= self.max_duration:
            raise ProfileError("min_duration must be between 0 and max_duration")
        if not self.containers:
            raise ProfileError("containers must name at least one container")
        if not self.resolutions or any(w <= 0 or h <= 0 for w, h in self.resolutions):
            raise ProfileError("resolutions must be positive WIDTHxHEIGHT values")
        if not 1 <= self.opaque_alpha <= 255:
            raise ProfileError("opaque_alpha must be between 1 and 255")
        if not 1 <= self.deep_frames <= 64:
            raise ProfileError("deep_frames must be between 1 and 64")
        if not 2 <= self.content_samples <= 2000 or self.content_spacing <= 0:
            raise ProfileError("content_samples must be between 2 and 2000, content_spacing positive")
        unknown = sorted(rule for rule in self.severities if rule not in RULES)
        if unknown:
            raise ProfileError(f"unknown rule id in severity overrides: {', '.join(unknown)}")

    def severity(self, rule: str) -> Severity | None:
        """The severity of ``rule`` under this profile; ``None`` when the rule is off."""
        if rule in self.severities:
            return self.severities[rule]
        return RULES[rule].severity


@functools.cache
def default_profile() -> Profile:
    """The default profile, built once: profiles are immutable, and a library caller that passes none
    to every ``check_file`` would otherwise build and validate it for each file."""
    return Profile()


def from_mapping(data: Mapping[str, Any], *, origin: str, base: Profile | None = None) -> Profile:
    """Apply the overrides in ``data`` to ``base`` (the default profile)."""
    base = base or default_profile()
    names = {f.name for f in fields(Profile)}
    changes: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = raw_key.replace("-", "_")
        if key in NON_PROFILE_KEYS:
            continue
        if key in ("severity", "severities"):
            changes["severities"] = {**base.severities, **_severities(value, origin)}
        elif key == "audio":
            changes["audio"] = _audio(value, origin, base.audio)
        elif key in names:
            changes[key] = _coerce(key, value, origin)
        else:
            raise ProfileError(f"{origin}: unknown profile key '{raw_key}'")
    try:
        return replace(base, **changes)
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{origin}: {exc}") from exc
    except ProfileError as exc:
        raise ProfileError(f"{origin}: {exc}") from exc


def _severities(value: Any, origin: str) -> dict[str, Severity | None]:
    if not isinstance(value, Mapping):
        raise ProfileError(f"{origin}: 'severity' must be a table of rule = level")
    out: dict[str, Severity | None] = {}
    for rule, level in value.items():
        if rule not in RULES:
            raise ProfileError(f"{origin}: unknown rule id '{rule}'")
        if level == "off":
            out[rule] = None
            continue
        try:
            out[rule] = Severity(level)
        except ValueError:
            raise ProfileError(
                f"{origin}: severity of '{rule}' must be error, warning, info or off, not {level!r}"
            ) from None
    return out


def _audio(value: Any, origin: str, base: AudioThresholds) -> AudioThresholds:
    """An ``[audio]`` table over ``base``: known keys, numbers (``vad_aggressiveness`` an integer)."""
    if not isinstance(value, Mapping):
        raise ProfileError(f"{origin}: 'audio' must be a table of threshold = number")
    changes: dict[str, Any] = {}
    for raw_key, number in value.items():
        key = str(raw_key).replace("-", "_")
        if key not in THRESHOLD_NAMES:
            raise ProfileError(f"{origin}: unknown audio threshold '{raw_key}'")
        whole = key == "vad_aggressiveness"
        if isinstance(number, bool) or not isinstance(number, int if whole else (int, float)):
            kind = "an integer" if whole else "a number"
            raise ProfileError(f"{origin}: bad value for 'audio.{raw_key}': {number!r} (expected {kind})")
        changes[key] = number if whole else float(number)
    return replace(base, **changes)


def _coerce(key: str, value: Any, origin: str) -> Any:
    try:
        if key == "name":
            return str(value)
        if key == "containers":
            return tuple(str(v).lower() for v in value)
        if key == "resolutions":
            return tuple(_resolution(v) for v in value)
        if key in ("opaque_alpha", "deep_frames", "content_samples"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("an integer")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("a number")
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{origin}: bad value for '{key}': {value!r} (expected {exc})") from None


def _resolution(value: Any) -> tuple[int, int]:
    if isinstance(value, str) and "x" in value.lower():
        w, h = value.lower().split("x", 1)
        return int(w), int(h)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError("WIDTHxHEIGHT strings")


def read_table(path: str | Path) -> Mapping[str, Any]:
    """A profile file's table: the top level, or ``[tool.avatar-preflight]`` of a ``pyproject.toml``."""
    p = Path(path)
    try:
        data: Mapping[str, Any] = _toml().loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {p}: {exc}") from exc
    except _toml().TOMLDecodeError as exc:
        raise ProfileError(f"{p}: invalid TOML: {exc}") from exc
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("avatar-preflight", {})
    return data


def load(path: str | Path) -> Profile:
    """The profile a file describes (see :func:`read_table`)."""
    return from_mapping(read_table(path), origin=str(path))


def project_section(start: Path | None = None) -> tuple[str | None, Mapping[str, Any]]:
    """The project's configuration table and where it came from: the nearest ``avatar-preflight.toml``
    (the whole file), or ``[tool.avatar-preflight]`` of the nearest ``pyproject.toml``; ``(None, {})``
    when neither exists. A broken ``avatar-preflight.toml`` is an error; someone else's broken
    ``pyproject.toml`` is not our configuration and is passed over."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / PROFILE_FILE
        if own.is_file():
            try:
                return str(own), _toml().loads(own.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise ProfileError(f"cannot read {own}: {exc}") from exc
            except _toml().TOMLDecodeError as exc:
                raise ProfileError(f"{own}: invalid TOML: {exc}") from exc
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
                if "avatar-preflight" not in text:  # most projects: no need to parse TOML at all
                    return None, {}
                data = _toml().loads(text)
            except (OSError, UnicodeDecodeError, _toml().TOMLDecodeError):
                return None, {}
            section = data.get("tool", {}).get("avatar-preflight")
            if isinstance(section, Mapping) and section:
                return f"{pyproject} [tool.avatar-preflight]", section
            return None, {}
    return None, {}


def discover(start: Path | None = None) -> Profile:
    """The profile in force for a run from ``start`` (see :func:`project_section`); the default when
    the project configures none."""
    origin, section = project_section(start)
    return from_mapping(section, origin=origin) if origin else default_profile()
