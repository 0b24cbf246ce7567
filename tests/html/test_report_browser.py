"""``check --report``: the page Chromium builds shows every file's verdict and findings, loads nothing
from anywhere, filters without a script, and shows the checkerboard through a transparent video."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from tests.html.cdp import Browser, Page
from tests.html.conftest import Batch, expected_rules, expected_verdict

LIGHT, DARK = 0xCC, 0x88
"""The checkerboard's greys (``validator.preview.sheet``)."""


def cards(page: Page) -> dict[str, dict[str, object]]:
    """Each card the browser built: its verdict, its heading and the rule ids of its findings."""
    found = page.evaluate(
        """JSON.stringify([...document.querySelectorAll('section.card')].map(card => ({
            name: card.dataset.name,
            heading: card.querySelector('h2').textContent,
            verdict: card.querySelector('.verdict').textContent,
            rules: [...card.querySelectorAll('.finding')].map(f => f.dataset.rule),
            messages: [...card.querySelectorAll('.finding')].map(f => f.textContent),
        })))"""
    )
    return {card["name"]: card for card in json.loads(found)}


def test_every_file_verdict_and_finding_is_on_the_page(browser: Browser, batch: Batch) -> None:
    page = browser.open(batch.page.as_uri())
    shown = cards(page)
    assert set(shown) == {str(path) for path in batch.files.values()}
    for name, path in batch.files.items():
        card = shown[str(path)]
        assert card["heading"] == str(path)  # the hostile name is text, not markup
        assert card["verdict"] == expected_verdict(name).upper()
        assert set(card["rules"]) == expected_rules(name)  # type: ignore[arg-type]
    assert batch.exit_code == 1  # the 720p file and the broken one fail
    rows = page.evaluate("document.querySelectorAll('#files tbody tr').length")
    assert rows == len(batch.files)
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    counts = {
        v: page.evaluate(f"document.querySelector('[data-count={v}]').textContent") for v in ("pass", "fail")
    }
    assert counts == {v: str(sum(expected_verdict(n) == v for n in batch.files)) for v in ("pass", "fail")}


def test_the_page_requests_nothing_but_itself_and_its_data_uris(browser: Browser, batch: Batch) -> None:
    page = browser.open(batch.page.as_uri())
    schemes = {url.split(":", 1)[0] for url in page.requests}
    assert schemes <= {"file", "data"} and "data" in schemes  # the frames are data URIs
    policy = page.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "default-src 'none'" in policy and "img-src data:" in policy
    # The style and the script were allowed by their hashes: styled, and the copy buttons were added.
    red = page.evaluate("getComputedStyle(document.querySelector('.verdict-fail')).backgroundColor")
    assert red == "rgb(207, 34, 46)"
    fixes = page.evaluate("document.querySelectorAll('code[data-copy]').length")
    assert fixes > 0 and page.evaluate("document.querySelectorAll('button.copy').length") == fixes


def _inject(source: Path, target: Path, *, keep_policy: bool) -> None:
    """A copy of the report that refers to an image, a style sheet and a script elsewhere."""
    html = source.read_text(encoding="utf-8")
    if not keep_policy:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    outside = (
        '<img src="http://outside.test/pixel.png"><link rel="stylesheet" href="https://outside.test/s.css">'
        '<script src="https://outside.test/s.js"></script>'
    )
    target.write_text(html.replace("<main>", "<main>" + outside, 1), encoding="utf-8")


def test_the_policy_stops_loads_a_page_would_otherwise_make(
    browser: Browser, batch: Batch, tmp_path: Path
) -> None:
    """The proxy every request of this Chromium goes to records nothing of ``outside.test`` while the
    policy stands; the same page without it does reach the proxy, so the proxy would have seen it."""
    guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
    _inject(batch.page, guarded, keep_policy=True)
    _inject(batch.page, bare, keep_policy=False)
    browser.open(guarded.as_uri())
    assert not [line for line in browser.proxy.seen if "outside.test" in line]
    page = browser.open(bare.as_uri())
    page.evaluate("new Promise(r => setTimeout(r, 300))")
    assert [line for line in browser.proxy.seen if "outside.test" in line]
    assert any("outside.test" in url for url in page.requests)


def test_filters_work_without_a_script(browser: Browser, batch: Batch) -> None:
    page = browser.open(batch.page.as_uri(), scripts=False)
    assert page.evaluate("document.querySelectorAll('button.copy').length") == 0  # the script did not run
    page.click("label[for=show-fail]")
    shown = page.evaluate(
        "JSON.stringify([...document.querySelectorAll('section.card')]"
        ".filter(c => getComputedStyle(c).display !== 'none').map(c => c.dataset.verdict))"
    )
    assert json.loads(shown) == ["fail"] * sum(expected_verdict(n) == "fail" for n in batch.files)
    page.click("label[for=show-all]")
    assert page.evaluate(
        "[...document.querySelectorAll('section.card')].every(c => getComputedStyle(c).display !== 'none')"
    )


def _checker_pairs(rgb: object, box: tuple[int, int, int, int]) -> tuple[int, int]:
    """Within ``box``: grey pixels of the checkerboard's light or dark shade whose neighbour one square
    (8 px) to the right has the other shade, and all pixels looked at."""
    from PIL import Image

    assert isinstance(rgb, Image.Image)
    left, top, right, bottom = box
    grey = rgb.convert("L")
    hits = total = 0
    for y in range(top + 2, bottom - 2, 3):
        for x in range(left + 2, right - 10, 3):
            a, b = grey.getpixel((x, y)), grey.getpixel((x + 8, y))
            total += 1
            near = lambda v, ref: abs(v - ref) <= 14  # noqa: E731 - JPEG moves the greys a little
            if (near(a, LIGHT) and near(b, DARK)) or (near(a, DARK) and near(b, LIGHT)):
                hits += 1
    return hits, total


def test_screenshot_is_not_blank_and_the_checkerboard_shows_through_alpha(
    browser: Browser, batch: Batch
) -> None:
    from PIL import Image

    page = browser.open(batch.page.as_uri())
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    colours = shot.resize((320, 320)).getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50  # text, badges and frames, not an empty page
    boxes = json.loads(
        page.evaluate(
            """JSON.stringify(Object.fromEntries([...document.querySelectorAll('section.card')]
                .filter(card => card.querySelector('.tiles img')).map(card => {
                const r = card.querySelector('.tiles img').getBoundingClientRect();
                const box = [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY];
                return [card.dataset.name, box];
            })))"""
        )
    )
    transparent = _checker_pairs(shot, tuple(round(v) for v in boxes[str(batch.files["vp9_alpha"])]))
    opaque = _checker_pairs(shot, tuple(round(v) for v in boxes[str(batch.files["landscape"])]))
    assert transparent[0] > 0.2 * transparent[1]  # the alpha video's background is the checkerboard
    assert opaque[0] < 0.01 * opaque[1]  # the opaque one covers it
