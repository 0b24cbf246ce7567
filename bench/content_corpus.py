"""The content bench's corpus: takes that decode like real footage, with a real face and speech.

The main corpus's H.264 is one flat GOP repeated and padded with filler NAL units: right for probing,
but it decodes about five times faster than a camera's file. These takes are encoded the way a
camera app or an editor exports (x264 ``veryfast``, High profile, 3 B-frames, a keyframe every 2 s,
~7 Mbit/s with a VBV, 25 fps) from pictures with a real face, a room, and per-frame sensor grain, so
every frame costs a real decode and I-frames weigh a few hundred KB; the audio is speech, AAC stereo
128 kbit/s. Encoding 15 minutes of that takes far too long for a bench, so a 60 s stretch is encoded
(every frame distinct) and its packets are muxed again for the rest of the take: the decoder does
the same work for every copy. ProRes 4444 (20 s, 8 s distinct) and VP9 with alpha (60 s, 20 s
distinct), an opaque speaker on a transparent background, are shorter, for their size and their
encoding time.

Built once into the bench folder and reused (file names carry a digest of the spec); progress goes
to stderr.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from samples.generate.content import TakeSpec

REAL_LIKE = TakeSpec(
    duration=900.0, fps=25, gop_seconds=2.0, grain=5.0, loop_seconds=60.0, b_frames=3,
    bit_rate=7_000_000, preset="veryfast", audio_channels=2, audio_bit_rate=64000, faststart=False,
    notes="real-like 1080p H.264 High, B-frames, 2 s GOPs, ~7 Mbit/s, grain, face and speech",
)
"""The 15-minute take; the others are this with another length, codec or container."""
PRORES_SECONDS = 20.0
"""ProRes 4444 of grainy 1080p weighs 2-3 MB a frame: 20 s is about 1.3 GB."""
VP9_SECONDS = 60.0
"""VP9 with alpha encodes at a few frames a second: a minute, of which 20 s are distinct."""


@dataclass(frozen=True, slots=True)
class Take:
    """One take of the content corpus."""

    name: str
    path: Path
    spec: TakeSpec
    target_seconds: float | None
    """The issue's limit for ``check --content`` on this take (``None``: measured, no limit)."""


def takes(seconds: float, height: int = 1080) -> list[tuple[str, TakeSpec, float | None]]:
    """(name, spec, target) of the corpus whose long take lasts ``seconds`` (900: the real one);
    ``height`` below 1080 makes a smaller picture (16:9) for a smoke run, with no targets."""
    short = max(2.0, round(seconds / 3 / 2) * 2)  # 5 of 15 minutes, on the 2 s GOP grid
    prores, vp9 = min(PRORES_SECONDS, short), min(VP9_SECONDS, short)
    # a third of a short corpus is distinct, 60 s of the real one; a multiple of the 4 s sway
    loop = min(REAL_LIKE.loop_seconds, max(4.0, round(seconds / 3 / 4) * 4), seconds)
    width = height * 16 // 9 // 2 * 2
    rate = REAL_LIKE.bit_rate * width * height // (1920 * 1080) if REAL_LIKE.bit_rate else None
    long_take = replace(REAL_LIKE, duration=seconds, loop_seconds=loop, width=width, height=height,
                        bit_rate=rate)
    if height != 1080:
        seconds = 0.0  # no targets: they are for 1080p
    return [
        (f"content-{_label(long_take.duration)}.mp4", long_take, 15.0 if seconds >= 900 else None),
        (f"content-{_label(short)}.mp4", replace(long_take, duration=short, loop_seconds=min(loop, short)),
         6.0 if short >= 300 and seconds else None),
        (f"content-prores4444-{_label(prores)}.mov",
         replace(long_take, codec="prores", container="mov", alpha="matte", duration=prores,
                 loop_seconds=min(loop, prores, 8.0), bit_rate=None), None),
        (f"content-vp9-alpha-{_label(vp9)}.webm",
         replace(long_take, codec="vp9", container="webm", alpha="matte", duration=vp9,
                 loop_seconds=min(loop, vp9, 20.0), b_frames=0, bit_rate=rate and rate * 4 // 7), None),
    ]


def _label(seconds: float) -> str:
    return f"{seconds / 60:g}min" if seconds >= 60 else f"{seconds:g}s"


def _digest(spec: TakeSpec) -> str:
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:10]


def _head(source: Path, target: Path, seconds: float) -> None:
    """The first ``seconds`` of ``source`` remuxed, not encoded again: the short take is the long
    one's first minutes (same loop, same speech), so it costs a copy, not minutes of x264."""
    import av

    with av.open(str(source)) as inp, av.open(str(target), "w", format="mp4") as out:
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams
                   if s.type in ("video", "audio")}
        video_done = False
        for packet in inp.demux():
            if packet.dts is None or packet.pts is None or packet.stream.index not in streams:
                continue  # the demuxer's flush packets
            at = packet.pts * packet.time_base
            if packet.stream.type == "video":
                video_done = video_done or (packet.is_keyframe and at >= seconds)  # closed GOPs
                if video_done:
                    continue
            elif at >= seconds:
                if video_done:
                    break
                continue
            packet.stream = streams[packet.stream.index]
            out.mux(packet)


def build_content(folder: Path, seconds: float = 900.0, height: int = 1080) -> list[Take]:
    """Make (or reuse) the content takes in ``folder``, printing progress on stderr."""
    from samples.generate.take import stderr_progress, write

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Take] = []
    for name, spec, target in takes(seconds, height):
        stem, ext = name.rsplit(".", 1)
        path = folder / f"{stem}-{_digest(spec)}.{ext}"
        if not path.exists():
            print(f"bench: encoding {name} ({spec.duration:g} s of real-like footage)...", file=sys.stderr)
            started = time.perf_counter()
            spec.validate()
            partial = path.with_suffix(".partial." + ext)
            longer = out[0].spec if out else None
            if longer is not None and replace(longer, duration=spec.duration) == spec:
                _head(out[0].path, partial, spec.duration)
            else:
                write(partial, spec, stderr_progress)
            partial.rename(path)  # an interrupted build is never reused
            size = path.stat().st_size / 1e6
            print(f"bench: {name} built in {time.perf_counter() - started:.0f} s, {size:.0f} MB",
                  file=sys.stderr)
        out.append(Take(name, path, spec, target))
    return out
