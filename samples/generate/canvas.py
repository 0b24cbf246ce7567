"""Picture content: a blocky ellipse (the "subject") with a small moving bar, on a flat background.

Flat, grid-aligned content keeps keyframes at a few KB and P-frames at a few dozen bytes.
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING

import av

if TYPE_CHECKING:
    from av.video.plane import VideoPlane

    from samples.generate.spec import VideoSpec

_CELL = 16  # every shape edge lies on the 16-pixel macroblock grid: flat blocks cost almost nothing


class Canvas:
    """Builds 8-bit YUV 4:2:0 frames (with an alpha plane when asked) and converts them."""

    BG = (70, 150, 110)  # Y, U, V of the opaque background (a dark teal)
    FG = (170, 110, 150)  # Y, U, V of the subject (a warm, skin-like tone)
    BAR_Y = 235

    def __init__(self, spec: VideoSpec, pix_fmt: str) -> None:
        self.w, self.h = spec.width, spec.height
        self.alpha = spec.alpha
        self.transparent_bg = spec.alpha and not spec.alpha_opaque
        self.out_fmt = pix_fmt
        self.src_fmt = "yuva420p" if spec.alpha else "yuv420p"
        proto = av.VideoFrame(self.w, self.h, self.src_fmt)
        self.line = [p.line_size for p in proto.planes]
        self.plane_dims = [(p.width, p.height) for p in proto.planes]
        self.spans = self._spans()
        self.planes = [self._plane(i) for i in range(len(proto.planes))]
        self._deep_alpha_cache: bytes | None = None
        # The bar: luma only, on the grid, inside the subject, stepping one cell per frame.
        cells_w = self.w // _CELL
        self.bar_w = max(1, cells_w // 10) * _CELL
        self.bar_h = _CELL * (2 if self.h >= 480 else 1)
        self.bar_y = min(max(0, (self.h * 5 // 8) // _CELL * _CELL), max(0, self.h - self.bar_h))
        x0, x1 = self.spans[min(self.bar_y // _CELL, len(self.spans) - 1)]
        if x1 - x0 < self.bar_w + _CELL:
            x0, x1 = 0, self.w
        self.bar_x0 = x0
        self.bar_positions = max(1, (x1 - x0 - self.bar_w) // _CELL + 1)

    def _spans(self) -> list[tuple[int, int]]:
        """Per 16-row band: [x0, x1) of the subject in luma pixels, on the 16-pixel grid.

        An ellipse 60% as wide and 84% as tall as the frame: about 40% of the picture.
        """
        cx, cy = self.w / 2, self.h / 2
        a, b = 0.30 * self.w, 0.42 * self.h
        spans = []
        for band in range(-(-self.h // _CELL)):
            yc = (band + 0.5) * _CELL - cy
            t = 1.0 - (yc / b) ** 2
            if t <= 0:
                spans.append((0, 0))
                continue
            half = a * math.sqrt(t)
            x0 = max(0, round((cx - half) / _CELL) * _CELL)
            x1 = min(self.w, round((cx + half) / _CELL) * _CELL)
            spans.append((x0, max(x0, x1)))
        return spans

    def _plane(self, index: int) -> bytes:
        if index == 3:  # alpha
            bg, fg = (0 if self.transparent_bg else 255), 255
        elif self.transparent_bg:
            bg, fg = (16, 128, 128)[index], self.FG[index]
        else:
            bg, fg = self.BG[index], self.FG[index]
        pw, ph = self.plane_dims[index]
        return self._paint(pw, ph, self.line[index], bytes([bg]), bytes([fg]))

    def _paint(self, pw: int, ph: int, line_size: int, bg: bytes, fg: bytes) -> bytes:
        """A ``pw`` x ``ph`` plane of ``len(bg)``-byte samples: ``fg`` inside the subject."""
        sx, sy = self.w / pw, self.h / ph
        pad = bytes(line_size - pw * len(bg))
        rows: dict[tuple[int, int], bytes] = {}
        out = []
        for y in range(ph):
            x0, x1 = self.spans[min(int(y * sy) // _CELL, len(self.spans) - 1)]
            px0, px1 = min(pw, int(x0 / sx)), min(pw, int(x1 / sx))
            row = rows.get((px0, px1))
            if row is None:
                row = bg * px0 + fg * (px1 - px0) + bg * (pw - px1) + pad
                rows[(px0, px1)] = row
            out.append(row)
        return b"".join(out)

    def frame(self, index: int, motion_frames: int | None) -> av.VideoFrame:
        """Picture ``index`` of a GOP: the bar advances one cell per frame (then rests)."""
        step = index if motion_frames is None else min(index, max(0, motion_frames - 1))
        pos = step % (2 * self.bar_positions - 2) if self.bar_positions > 1 else 0
        if pos >= self.bar_positions:  # back and forth
            pos = 2 * self.bar_positions - 2 - pos
        x = self.bar_x0 + pos * _CELL
        luma = bytearray(self.planes[0])
        ls = self.line[0]
        bar = bytes([self.BAR_Y]) * min(self.bar_w, self.w - x)
        for r in range(self.bar_y, min(self.h, self.bar_y + self.bar_h)):
            luma[r * ls + x : r * ls + x + len(bar)] = bar
        frame = av.VideoFrame(self.w, self.h, self.src_fmt)
        frame.planes[0].update(bytes(luma))
        for i in range(1, len(self.planes)):
            frame.planes[i].update(self.planes[i])
        if self.out_fmt != self.src_fmt:
            frame = frame.reformat(format=self.out_fmt)
            if self.alpha and self.out_fmt.startswith("yuva") and self.out_fmt.endswith("le"):
                # swscale widens 8-bit alpha 255 to 1020, not 1023: paint the deep alpha plane
                # directly so that opaque really is the maximum.
                frame.planes[3].update(self._deep_alpha(frame.planes[3]))
        return frame

    def _deep_alpha(self, plane: VideoPlane) -> bytes:
        if self._deep_alpha_cache is None:
            bits = int("".join(ch for ch in self.out_fmt.split("p")[-1] if ch.isdigit()) or 16)
            top = struct.pack("<H", (1 << bits) - 1)
            bg = bytes(2) if self.transparent_bg else top
            self._deep_alpha_cache = self._paint(plane.width, plane.height, plane.line_size, bg, top)
        return self._deep_alpha_cache
