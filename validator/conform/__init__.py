"""Conforming videos with FFmpeg (``fix``): plan from the probed facts, encode, check the output.

Imported only by ``fix``: ffmpeg-python and imageio-ffmpeg stay out of ``check``.
"""

from validator.conform.ffmpeg import EncodeError, find_ffmpeg
from validator.conform.fix import FixPlan, FixResult, Options, plan_fix, run_fix

__all__ = ["EncodeError", "FixPlan", "FixResult", "Options", "find_ffmpeg", "plan_fix", "run_fix"]
