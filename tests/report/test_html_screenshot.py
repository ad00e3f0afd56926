"""The HTML scorecard as a reader sees it: rendered by headless Chromium, screenshotted, and
the screenshot's pixels inspected for the headline fail badge, the charts' bars and the marked
words of a counterfactual pair."""

from __future__ import annotations

import pytest
from chromium_page import Chromium
from PIL import Image

from harness.report import render_html
from harness.validity import ValiditySuite, scorecard, write_suite

FAIL_RED = (0xB4, 0x23, 0x18)
BAR_BLUE = (0x2F, 0x6F, 0xDB)
MARK_YELLOW = (0xFF, 0xE0, 0x8A)
WIDTH = 1300


def _count(image: Image.Image, colour: tuple[int, int, int], box: tuple[int, int, int, int]) -> int:
    region = image.crop(box).convert("RGB")
    return sum(n for n, rgb in region.getcolors(maxcolors=1 << 20) or [] if rgb == colour)


@pytest.fixture(scope="module")
def shot(tmp_path_factory: pytest.TempPathFactory, chromium: Chromium) -> tuple[Image.Image, str]:
    folder = tmp_path_factory.mktemp("html")
    suite = ValiditySuite.load(write_suite(folder / "suite", n_vignettes=10, samples=5))
    spec = "sim:clinician?seed=3&noise=0.1&axis=race&group=black&to=urgent&shift=0.4"
    page = folder / "scorecard.html"
    page.write_text(render_html(scorecard(suite, spec, 3)), encoding="utf-8")
    png = chromium.screenshot(page, folder / "scorecard.png", WIDTH, 4000)
    dom = chromium.dom(page)
    return Image.open(png), dom


def test_the_fail_badge_is_in_the_headline(shot: tuple[Image.Image, str]) -> None:
    image, dom = shot
    overview = dom.index('id="overview-table"')
    assert 'data-verdict="fail"' in dom[overview : dom.index("</table>", overview)]
    assert _count(image, FAIL_RED, (0, 0, WIDTH, 1000)) > 200  # badge pixels above the fold


def test_the_charts_draw_bars(shot: tuple[Image.Image, str]) -> None:
    image, dom = shot
    assert dom.count('class="chart"') == 2  # group rates, flip rate against noise
    assert _count(image, BAR_BLUE, (0, 0, WIDTH, image.height)) > 2000


def test_the_pairs_mark_the_words_that_differ(shot: tuple[Image.Image, str]) -> None:
    image, dom = shot
    assert "<mark>" in dom[dom.index('class="pair"') :]
    assert _count(image, MARK_YELLOW, (0, 0, WIDTH, image.height)) > 500
