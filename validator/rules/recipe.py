"""One conforming ffmpeg run, as data: the filters and output options a fix needs.

``check`` renders a recipe as the shell command it prints; ``fix`` builds the same recipe into an
ffmpeg-python graph and runs it, so the command a person reads and the encode the tool runs never
disagree about what conforms a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.rules.shell import file_arg, join


@dataclass(frozen=True, slots=True)
class Filter:
    """One video filter: ``scale=1920:1080:force_original_aspect_ratio=decrease``."""

    name: str
    """FFmpeg filter name."""
    args: tuple[str, ...] = ()
    """Positional arguments, in order."""
    options: tuple[tuple[str, str], ...] = ()
    """Named arguments, in order, after the positional ones."""

    def spec(self) -> str:
        """The filter as it appears in a ``-vf`` chain."""
        parts = [*self.args, *(f"{key}={value}" for key, value in self.options)]
        return f"{self.name}={':'.join(parts)}" if parts else self.name


@dataclass(frozen=True, slots=True)
class Recipe:
    """An ffmpeg run reading ``source`` and writing ``target``."""

    source: str
    """The input file."""
    target: str
    """The output file; its extension chooses the muxer."""
    filters: tuple[Filter, ...] = ()
    """The video filter chain, applied after FFmpeg's automatic rotation."""
    options: tuple[tuple[str, str], ...] = ()
    """Output options in order, without the leading dash: ``("c:v", "libx264")``."""
    duration: float | None = None
    """Seconds of output to write (``-t``); ``None`` for all of the input."""
    input_options: tuple[tuple[str, str], ...] = ()
    """Options for reading the input, such as a decoder that keeps VP9's alpha layer."""

    @property
    def encodes_video(self) -> bool:
        """Whether the video is re-encoded (slow) rather than copied."""
        return ("c", "copy") not in self.options and ("c:v", "copy") not in self.options

    def output_options(self) -> dict[str, str]:
        """Every output option, ``-t`` included, as ffmpeg-python keyword arguments."""
        out = {"t": seconds_text(self.duration)} if self.duration is not None else {}
        out.update(self.options)
        return out

    def command(self, program: str = "ffmpeg") -> str:
        """The shell command a person can run."""
        args = [program]
        for key, value in self.input_options:
            args += [f"-{key}", value]
        args += ["-i", file_arg(self.source)]
        if self.filters:
            args += ["-vf", ",".join(f.spec() for f in self.filters)]
        for key, value in self.output_options().items():
            args += [f"-{key}", value]
        args.append(file_arg(self.target))
        return join(args)


def seconds_text(value: float) -> str:
    """``900.0`` -> ``900``, ``900.5`` -> ``900.500``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}"
