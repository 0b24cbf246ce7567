"""Fast generator of long, realistic test videos, with PyAV only (no ``ffmpeg`` executable).

A 16-minute 1080p file is made in about a second and weighs a few MB, because almost nothing is
encoded more than once:

* **GOP repeat** (H.264, HEVC, VP8, VP9; intra codecs outside MP4/MOV): one closed GOP is encoded
  (keyframe first, no B-frames, no alt-ref frames) with the output stream's own encoder, and its
  packets (bytes, keyframe flag and side data: the VP8/VP9 alpha layer travels as Matroska
  ``BlockAdditional`` side data) are muxed again and again with rising timestamps; the last GOP is
  cut so the frame count is exact. Intra-only codecs cycle three distinct frames instead of a GOP.
  Audio is one cycle of a soft tone burst, encoded once and repeated the same way.
* **Shared samples** (ProRes, PNG, QuickTime Animation, FFV1 in MP4/MOV): a short file holding a few
  stored frames is written, then the video track's sample tables are rewritten so that every
  sample of the long video points at one of the stored frames (QuickTime Animation, which has
  inter frames: at the stored GOP). The data is stored once; FFmpeg decodes it like any file.

Exactness: the video has ``round(duration * fps)`` frames and its stream duration is exactly
``frames / fps`` (MP4/MOV ``mdhd``; Matroska ``DURATION`` tag), the audio exactly
``round(audio_duration * sample_rate)`` samples.

Use::

    from samples.generate import VideoSpec, generate
    generate(VideoSpec("mp4", duration=300.0, fps=30, audio_duration=300.0), "x.mp4")

    python -m samples.generate OUT.mp4 --container mp4 --codec h264 --duration 360 --audio 360
    python -m samples.generate --demo samples/demo

Modules: ``spec`` (what to make), ``codecs``, ``canvas`` (the picture), ``encode`` (the repeated
material and muxing), ``make`` (one file), ``mp4`` and ``matroska`` (container surgery and
inspection), ``demo`` (the committed demo files), ``cli``.

Content takes (a real face and real speech, for the content checks) are a separate entry point that
needs numpy, scikit-image and espeak-ng, so it is not imported here: ``samples.generate.content``
(``TakeSpec``, ``make_take``, ``VARIANTS``), drawing with ``scene`` and ``layout``, speaking with
``speech``, written by ``take``.
"""

from samples.generate.cli import main
from samples.generate.codecs import CODECS
from samples.generate.demo import DEMO_SAMPLES, make_demo_samples
from samples.generate.make import generate
from samples.generate.matroska import MatroskaLayout, matroska_layout
from samples.generate.mp4 import mp4_top_level_boxes
from samples.generate.spec import CONTAINERS, VideoSpec

__all__ = [
    "CODECS",
    "CONTAINERS",
    "DEMO_SAMPLES",
    "MatroskaLayout",
    "VideoSpec",
    "generate",
    "main",
    "make_demo_samples",
    "matroska_layout",
    "mp4_top_level_boxes",
]
