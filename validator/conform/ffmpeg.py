"""Running FFmpeg through ffmpeg-python: finding the executable, building the graph, encoding.

The executable comes from ``PATH``, else from the imageio-ffmpeg wheel, so ``pip install`` alone is
enough. ffmpeg-python and imageio-ffmpeg are imported only here, so ``check`` never pays for them.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Callable
from typing import Any

from validator.conform.progress import ProgressCallback, seconds_written
from validator.errors import PreflightError, ToolMissingError
from validator.rules.recipe import Recipe
from validator.rules.shell import file_arg, join

_GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1")
_ERROR_LINES = 8  # the tail of FFmpeg's error log worth showing a person


class EncodeError(PreflightError):
    """FFmpeg ran and failed; carries the end of its error log."""


def find_ffmpeg() -> str:
    """The ``ffmpeg`` executable: the one on ``PATH``, else the one the imageio-ffmpeg wheel ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise ToolMissingError(
            "no ffmpeg on PATH and imageio-ffmpeg is not installed (pip install imageio-ffmpeg)"
        ) from exc
    try:
        exe = str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # the wheel has no binary for this platform
        raise ToolMissingError(f"no ffmpeg executable found: {exc}") from exc
    # IMAGEIO_FFMPEG_EXE is returned unchecked by the wheel: make sure it can run.
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        raise ToolMissingError(f"the ffmpeg executable {exe} does not exist or cannot be run")
    return exe


def graph(recipe: Recipe, *, audio: bool) -> Any:
    """The ffmpeg-python graph of ``recipe``: the video through its filters, plus the audio if any."""
    try:
        import ffmpeg
    except ImportError as exc:
        raise ToolMissingError("ffmpeg-python is not installed (pip install ffmpeg-python)") from exc
    source = ffmpeg.input(file_arg(recipe.source), **dict(recipe.input_options))
    video = source.video
    for step in recipe.filters:
        video = video.filter(step.name, *step.args, **dict(step.options))
    streams = [video, source.audio] if audio else [video]
    return (
        ffmpeg.output(*streams, file_arg(recipe.target), **recipe.output_options())
        .global_args(*_GLOBAL_ARGS)
        .overwrite_output()
    )


def command(recipe: Recipe, *, audio: bool, executable: str = "ffmpeg") -> str:
    """The exact command :func:`encode` runs, shell-quoted."""
    return join(graph(recipe, audio=audio).compile(cmd=executable))


def encode(
    recipe: Recipe,
    *,
    audio: bool,
    executable: str,
    on_progress: ProgressCallback | None = None,
) -> None:
    """Run ``recipe``; report progress in seconds of output written. Raises :class:`EncodeError`."""
    process = graph(recipe, audio=audio).run_async(cmd=executable, pipe_stdout=True, pipe_stderr=True)
    log: list[bytes] = []
    # FFmpeg blocks if nobody reads its error pipe: drain it beside the progress pipe.
    drain = threading.Thread(target=_collect(process.stderr, log), daemon=True)
    drain.start()
    try:
        seconds_written(
            io.TextIOWrapper(process.stdout, encoding="utf-8", errors="replace"),
            on_progress or (lambda _seconds: None),
        )
        code = process.wait()
    finally:
        if process.poll() is None:  # interrupted: do not leave an encoder running
            process.kill()
            process.wait()
        drain.join(timeout=5)
    if code != 0:
        lines = b"".join(log).decode("utf-8", "replace").strip().splitlines()[-_ERROR_LINES:]
        raise EncodeError("ffmpeg failed: " + (" / ".join(lines) or f"exit status {code}"))


def _collect(pipe: Any, into: list[bytes]) -> Callable[[], None]:
    def read() -> None:
        for chunk in iter(lambda: pipe.read(4096), b""):
            into.append(chunk)

    return read
