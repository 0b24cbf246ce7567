"""End to end: ``check --content --report`` on generated takes with a real face and speech, in Chromium.

The take that loses its face from 10 s to 30 s and the one with a hard cut at 20 s
(``samples.generate.content.VARIANTS``): the cut marker and the face-missing band stand at the x
positions of those times, within what the analysis can resolve (one frame for the cut, one sampling
interval for the face).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.html.cdp import Browser, Page
from tests.test_cli import run

pytest.importorskip("cv2", reason="the [content] extra is not installed")


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    from tests.content.conftest import take_factory

    return take_factory(tmp_path_factory)


@pytest.fixture(scope="module")
def page(browser: Browser, takes: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Page:
    report = tmp_path_factory.mktemp("content-report") / "report.html"
    result = run(
        "check", "--content", "--report", str(report), str(takes("face-leaves")), str(takes("hard-cut"))
    )
    assert report.exists(), result.stderr
    return browser.open(report.as_uri())


class Plot:
    """One card's timeline as laid out: seconds to screen x, and its lanes' marks."""

    def __init__(self, page: Page, path: Path) -> None:
        self.page = page
        self.svg = f"section.card[data-name={json.dumps(str(path))}] svg.timeline"
        self.left, self.width, self.plot_left, self.plot_right, self.view, self.duration = json.loads(
            page.evaluate(
                f"(() => {{ const svg = document.querySelector({self.svg!r});"
                " const r = svg.getBoundingClientRect();"
                " return JSON.stringify([r.left, r.width, +svg.dataset.plotLeft, +svg.dataset.plotRight,"
                " svg.viewBox.baseVal.width, +svg.dataset.duration]); })()"
            )
        )

    def x(self, seconds: float) -> float:
        share = seconds / self.duration
        return (
            self.left + (self.plot_left + share * (self.plot_right - self.plot_left)) * self.width / self.view
        )

    def per_second(self) -> float:
        return self.x(1.0) - self.x(0.0)

    def box(self, selector: str) -> tuple[float, float]:
        found = self.page.evaluate(
            f"(() => {{ const r = document.querySelector({self.svg + ' ' + selector!r})"
            ".getBoundingClientRect();"
            " return JSON.stringify([r.left, r.right]); })()"
        )
        left, right = json.loads(found)
        return left, right

    def count(self, selector: str) -> int:
        return int(self.page.evaluate(f"document.querySelectorAll({self.svg + ' ' + selector!r}).length"))


def test_the_cut_marker_stands_at_the_cut(page: Page, takes: Callable[[str], Path]) -> None:
    from samples.generate.content import VARIANTS

    spec = VARIANTS["hard-cut"]
    assert spec.cut_at is not None
    plot = Plot(page, takes("hard-cut"))
    left, right = plot.box("g[data-lane=cuts] line.cut")
    frame = plot.per_second() / spec.fps
    assert (left + right) / 2 == pytest.approx(plot.x(spec.cut_at), abs=max(1.5, frame))
    assert plot.count("g[data-lane=scene-cut] rect") == 1  # the finding's band, in its own lane


def test_the_face_missing_band_covers_the_absence(page: Page, takes: Callable[[str], Path]) -> None:
    from samples.generate.content import VARIANTS

    spec = VARIANTS["face-leaves"]
    assert spec.face_absent is not None
    plot = Plot(page, takes("face-leaves"))
    interval = plot.duration / plot.count("g[data-lane=frames] line.tick") * plot.per_second()
    left, right = plot.box("g[data-lane=face-missing] rect")
    assert left == pytest.approx(plot.x(spec.face_absent.start), abs=interval + 1.5)
    assert right == pytest.approx(plot.x(spec.face_absent.end), abs=interval + 1.5)
    left, right = plot.box("g[data-lane=faces] rect.face-none")
    assert left == pytest.approx(plot.x(spec.face_absent.start), abs=interval + 1.5)
    assert right == pytest.approx(plot.x(spec.face_absent.end), abs=interval + 1.5)
    assert plot.count("g[data-lane=cuts] line.cut") == 0  # no cut where there is none
