"""Profiles are data: the thresholds and severities the rules judge against.

The default profile, ``ice-avatar-training``, encodes the rules of ICE's UpdateAvatarTrainingJob. A
TOML file (``--rules FILE``, ``avatar-preflight.toml``) or ``[tool.avatar-preflight]`` in
``pyproject.toml`` overrides any field; keys may use ``-`` or ``_``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from validator.errors import ProfileError
from validator.findings import Severity
from validator.rules.catalog import RULES
from validator.rules.content_audio import AudioThresholds


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


def from_mapping(
    data: Mapping[str, Any], *, origin: str, base: Profile | None = None, text: str | None = None
) -> Profile:
    """Apply the overrides in ``data`` to ``base`` (the default profile). ``text``, the file's TOML,
    lets an error say on which line the bad key is."""
    from validator import profile_keys

    where = profile_keys.Where(origin, text)
    base = base or default_profile()
    changes: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("-", "_")
        if key in NON_PROFILE_KEYS:
            continue
        if key in ("severity", "severities"):
            changes["severities"] = {**base.severities, **_severities(value, where.at(raw_key))}
        else:
            changes[key] = profile_keys.coerce(Profile, key, raw_key, value, where, getattr(base, key, None))
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


def _parse(path: Path, text: str) -> Mapping[str, Any]:
    """The TOML document ``text`` of ``path``; a syntax error names the file and TOML's line."""
    try:
        data: Mapping[str, Any] = _toml().loads(text)
    except _toml().TOMLDecodeError as exc:
        raise ProfileError(f"{path}: invalid TOML: {exc}") from exc
    return data


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {path}: {exc}") from exc


def read_table(path: str | Path) -> Mapping[str, Any]:
    """A profile file's table: the top level, or ``[tool.avatar-preflight]`` of a ``pyproject.toml``."""
    p = Path(path)
    return _table_of(p, _read(p))


def _table_of(path: Path, text: str) -> Mapping[str, Any]:
    data = _parse(path, text)
    if path.name == "pyproject.toml":
        from validator import profile_keys

        return profile_keys.tool_section(data, path, text) or {}
    return data


def load(path: str | Path) -> Profile:
    """The profile a file describes (see :func:`read_table`)."""
    p = Path(path)
    text = _read(p)
    return from_mapping(_table_of(p, text), origin=str(path), text=text)


def project_section(start: Path | None = None) -> tuple[str | None, Mapping[str, Any]]:
    """The project's configuration table and where it came from: the nearest ``avatar-preflight.toml``
    (the whole file), or ``[tool.avatar-preflight]`` of the nearest ``pyproject.toml``; ``(None, {})``
    when neither exists. A broken ``avatar-preflight.toml`` is an error, and so is a ``pyproject.toml``
    that mentions avatar-preflight and is not valid TOML, or whose section is not a table: passing
    over either would drop the project's rules without a word."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / PROFILE_FILE
        if own.is_file():
            return str(own), _parse(own, _read(own))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            text = _read(pyproject)
            if "avatar-preflight" not in text:  # most projects: no need to parse TOML at all
                return None, {}
            from validator import profile_keys

            section = profile_keys.tool_section(_parse(pyproject, text), pyproject, text)
            if section:
                return f"{pyproject} [tool.avatar-preflight]", section
            return None, {}
    return None, {}


def discover(start: Path | None = None) -> Profile:
    """The profile in force for a run from ``start`` (see :func:`project_section`); the default when
    the project configures none."""
    origin, section = project_section(start)
    if not origin:
        return default_profile()
    return from_mapping(section, origin=origin, text=source_text(origin))


def source_text(origin: str) -> str | None:
    """The TOML text behind an origin :func:`project_section` gave, for line numbers in errors."""
    try:
        return Path(origin.removesuffix(" [tool.avatar-preflight]")).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
