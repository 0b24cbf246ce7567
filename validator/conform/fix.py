"""``fix``: conform one video so ``check`` passes it, then prove it by checking the output.

Planning probes the input and decides, from the same recipe ``check`` prints, what the run must do,
or why no run can help (a take that is too short cannot be made longer). Running encodes into a
temporary file beside the output, renames it into place only when FFmpeg succeeded, and checks it.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from validator.check import check_file
from validator.conform import ffmpeg
from validator.conform.progress import ProgressCallback
from validator.errors import UsageError
from validator.findings import FileReport
from validator.profile import Profile
from validator.rules import checks, fixes
from validator.rules.recipe import Recipe

_UNFIXABLE = ("file-unreadable", "file-truncated", "video-missing")
"""Errors no re-encode can repair: there is no complete video to work from."""


@dataclass(frozen=True, slots=True)
class Options:
    """How ``fix`` should conform, beyond what the facts require."""

    crop: bool = False
    """Fill the frame and crop the overflow instead of padding."""
    drop_alpha: bool = False
    """Encode without the alpha channel (and send ``Transparent=false``)."""
    draft: bool = False
    """Fastest encoder settings: for trying things out and for tests."""
    overwrite: bool = False
    """Replace an existing output file."""


@dataclass(frozen=True, slots=True)
class FixPlan:
    """What ``fix`` will do for one input, decided before anything is written."""

    source: FileReport
    """The check of the input."""
    target: str
    """The output path."""
    profile: Profile
    """The rules the output must pass."""
    recipe: Recipe | None
    """The FFmpeg run; ``None`` when no run can fix the input (see :attr:`refusal`)."""
    refusal: str | None = None
    """Why the input cannot be fixed, for people."""
    needed: bool = True
    """``False``: the input passes as it is, and :attr:`recipe` only copies its streams into the target."""

    @property
    def audio(self) -> bool:
        return bool(self.source.facts and self.source.facts.audio)

    @property
    def output_seconds(self) -> float | None:
        """How long the output will be, for a progress bar; ``None`` when unknown."""
        video = self.source.facts.video if self.source.facts else None
        seconds = video.duration if video else None
        if self.recipe is not None and self.recipe.duration is not None:
            seconds = min(seconds or self.recipe.duration, self.recipe.duration)
        return seconds

    def command(self, executable: str = "ffmpeg") -> str | None:
        """The exact FFmpeg command the run will execute."""
        if self.recipe is None:
            return None
        return ffmpeg.command(self.recipe, audio=self.audio, executable=executable)


@dataclass(frozen=True, slots=True)
class FixResult:
    """What running a plan produced."""

    plan: FixPlan
    output: FileReport | None
    """The check of the written file; ``None`` when nothing was written."""
    error: str | None = None
    """Why FFmpeg failed, when it did."""
    seconds: float = 0.0
    """Wall time of the encode."""

    @property
    def passed(self) -> bool:
        """Whether the output exists and ``check`` passes it."""
        return self.output is not None and not self.output.failed()

    @property
    def alpha_kept(self) -> bool | None:
        """Whether an input with alpha still has it; ``None`` when the input had none."""
        if not self.plan.source.transparent or self.output is None:
            return None
        return bool(self.output.transparent)


def plan_fix(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    profile: Profile | None = None,
    options: Options | None = None,
) -> FixPlan:
    """Probe ``source`` and decide how to conform it into ``target``.

    Raises :class:`UsageError` for a target that cannot be written as asked (same file, exists,
    unknown extension, alpha into MP4); an input no run can fix gives a plan with a ``refusal``.
    """
    profile = profile or Profile()
    options = options or Options()
    src, dst = Path(source), Path(target)
    _check_target(src, dst, profile, options)
    report = check_file(src, profile=profile)
    facts = report.facts
    blocking = [f for f in report.errors if f.rule in _UNFIXABLE]
    if facts is None or facts.video is None or blocking:
        reason = blocking[0].message if blocking else "no video stream could be read"
        return FixPlan(report, str(dst), profile, None, f"cannot be fixed: {reason}")
    video = facts.video
    if video.duration is not None and round(video.duration, 3) < profile.min_duration:
        refusal = (
            f"cannot be fixed: the video is {checks.clock(video.duration)}, shorter than "
            f"{checks.clock(profile.min_duration)}; record a longer take"
        )
        return FixPlan(report, str(dst), profile, None, refusal)
    if facts.transparent and fixes.container_of(str(dst)) == "mp4" and not options.drop_alpha:
        raise UsageError(
            f"{src} carries an alpha channel, which MP4 cannot keep: write .mov (ProRes 4444) or "
            ".webm (VP9 with alpha), or pass --drop-alpha"
        )
    wishes = fixes.Plan(
        drop_alpha=options.drop_alpha and bool(facts.transparent), crop=options.crop, draft=options.draft
    )
    recipe = checks.conform_recipe(facts, profile, wishes, str(dst))
    if recipe is None:  # nothing to fix: still write the output the caller asked for, as a stream copy
        remux = fixes.remux_recipe(facts, profile, wishes, str(dst))
        return FixPlan(report, str(dst), profile, remux, needed=False)
    return FixPlan(report, str(dst), profile, recipe)


def run_fix(
    plan: FixPlan,
    *,
    executable: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> FixResult:
    """Carry out ``plan`` and check the output. Raises only for a missing FFmpeg (``ToolMissingError``)."""
    if plan.recipe is None:
        return FixResult(plan, None)
    exe = executable or ffmpeg.find_ffmpeg()
    target = Path(plan.target)
    handle, partial = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    started = time.perf_counter()
    try:
        run = replace(plan.recipe, target=partial)
        ffmpeg.encode(run, audio=plan.audio, executable=exe, on_progress=on_progress)
        os.replace(partial, target)
    except ffmpeg.EncodeError as exc:
        return FixResult(plan, None, str(exc), time.perf_counter() - started)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    elapsed = time.perf_counter() - started
    return FixResult(plan, check_file(target, profile=plan.profile), None, elapsed)


def _check_target(source: Path, target: Path, profile: Profile, options: Options) -> None:
    container = fixes.container_of(str(target))
    if container is None or container not in profile.containers:
        accepted = ", ".join(f".{c}" for c in profile.containers)
        raise UsageError(f"the output must end in one of {accepted}, not '{target.suffix or target.name}'")
    if target.exists() and source.exists() and target.resolve() == source.resolve():
        raise UsageError("the output must not be the input: write the fixed video to a new file")
    if target.exists() and not options.overwrite:
        raise UsageError(f"{target} exists: choose another name or pass --overwrite")
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist")
