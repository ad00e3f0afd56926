from __future__ import annotations

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scorecard_sample import build_scorecard, rename_group

from harness.report import render_html

CHROMIUM = Path("/usr/bin/chromium")
_URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}
_REMOTE = ("http:", "https:", "//", "ftp:", "ws:", "wss:")


class _Page(HTMLParser):
    """Collects tables by id as rows of (class, text) cells, and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.styles: list[str] = []
        self._table: str | None = None
        self._cell: tuple[str, list[str]] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in _URL_ATTRS and v is not None]
        if tag == "style":
            self._in_style = True
        elif tag == "table":
            self._table = values.get("id") or f"anonymous-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = (values.get("class") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            cls, parts = self._cell
            self.tables[self._table][-1].append((cls, " ".join("".join(parts).split())))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._cell is not None:
            self._cell[1].append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _cells(row: list[tuple[str, str]]) -> dict[str, str]:
    """A body row's cells keyed by their `cell-*` class."""
    out: dict[str, str] = {}
    for classes, text in row:
        names = [c for c in classes.split() if c.startswith("cell-")]
        if names:
            out[names[0]] = text
    return out


def _chromium() -> str:
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if found is None:
        pytest.fail(
            f"no browser at {CHROMIUM}: the HTML report is tested in a real browser; "
            "install it with `apt-get install chromium`"
        )
    return found


def _browse(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_group_names_are_escaped() -> None:
    evil = "<script>alert('x')</script>"
    html = render_html(rename_group(build_scorecard(), "White", evil))
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    groups = _parse(html).tables["groups-0-0"]
    assert _cells(groups[1])["cell-group"].startswith(evil)  # the text survives, inert


def test_page_loads_nothing_remote() -> None:
    html = render_html(build_scorecard())
    page = _parse(html)
    assert page.urls, "expected in-page links (#model-0, ...) to be seen by the parser"
    assert [u for u in page.urls if u.lower().startswith(_REMOTE)] == []
    assert all(u.startswith("#") for u in page.urls), page.urls
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css
    assert page.tags.isdisjoint({"script", "link", "img", "iframe", "object", "embed"})
    # A note that mentions a URL stays text, never a link or a resource.
    assert "see https://example.org/method for the noise floor" in html
    assert "Content-Security-Policy" in html


def test_axis_table_cells() -> None:
    page = _parse(render_html(build_scorecard()))
    rows = page.tables["axis-table-0"]
    header = [text for _, text in rows[0]]
    assert header[4:8] == ["Repeat (noise)", "Null (noise)", "Sibling", "Sensitivity"]
    body = [_cells(r) for r in rows[1:]]
    assert [r["cell-axis"] for r in body if "cell-axis" in r] == ["race", "gender", "insurance"]
    triage = body[0]
    assert triage["cell-measure"] == "triage_level flip rate"
    assert triage["cell-repeat"] == "4.0% [1.2, 7.1]"
    assert triage["cell-null"] == "5.5% [2.0, 9.4]"
    assert triage["cell-sibling"] == "17.5% [11.2, 25.1]"
    assert triage["cell-sensitivity"] == "12.0% [4.1, 20.3]"
    assert triage["cell-worst"] == "✗ FAIL"


def test_group_rate_and_verdict_tables() -> None:
    page = _parse(render_html(build_scorecard()))
    black = _cells(page.tables["groups-0-0"][2])
    assert (black["cell-group"], black["cell-errors"], black["cell-refusals"]) == (
        "Black",
        "9 (7.5%)",
        "4 (3.3%)",
    )
    assert _cells(page.tables["groups-0-0"][1])["cell-group"] == "White reference"
    rates = page.tables["rates-0-0"]
    triage = rates[1]
    assert _cells(triage)["cell-difference"] == "17.0% [5.2, 28.8]"
    assert _cells(triage)["cell-noise"] == "4.0%"
    assert _cells(rates[2])["cell-noise"] == "—"
    by_group = {text: classes for classes, text in triage if "cell-rate" in classes}
    assert "rate-high" in by_group["62.0% (n=120)"]
    assert "rate-low" in by_group["45.0% (n=120)"]
    verdicts = [_cells(r) for r in page.tables["verdicts-0-0"][1:]]
    assert [v["cell-verdict"] for v in verdicts] == ["✗ FAIL", "? INCONCLUSIVE", "✓ PASS"]
    assert verdicts[0]["cell-value"] == "0.12 [0.041, 0.203]"
    assert verdicts[1]["cell-noise"] == "—"


@pytest.mark.slow
def test_browser_renders_axis_tables(tmp_path: Path) -> None:
    page = tmp_path / "scorecard.html"
    page.write_text(render_html(build_scorecard()), encoding="utf-8")
    dom = _parse(_browse(tmp_path, page, "--dump-dom").stdout)

    first = [_cells(r) for r in dom.tables["axis-table-0"][1:]]
    axes = {r["cell-axis"]: r for r in first if "cell-axis" in r}
    assert list(axes) == ["race", "gender", "insurance"]
    assert axes["race"]["cell-sensitivity"] == "12.0% [4.1, 20.3]"
    assert axes["race"]["cell-reference"] == "White"
    assert axes["gender"]["cell-null"] == "—"
    assert axes["gender"]["cell-worst"] == "∅ INSUFFICIENT DATA"
    assert axes["insurance"]["cell-worst"] == "? INCONCLUSIVE"

    second = [_cells(r) for r in dom.tables["axis-table-1"][1:]]
    insurance = next(r for r in second if r.get("cell-axis") == "insurance")
    assert insurance["cell-sibling"] == "31.0% [27.0, 35.0]"
    assert insurance["cell-worst"] == "✗ FAIL"
    assert {"groups-1-2", "rates-0-0", "verdicts-0-0"} <= set(dom.tables)


@pytest.mark.slow
def test_browser_screenshot(tmp_path: Path) -> None:
    page = tmp_path / "scorecard.html"
    page.write_text(render_html(build_scorecard()), encoding="utf-8")
    shot = tmp_path / "shot.png"
    _browse(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    assert len(data) > 20_000, "a near-empty page compresses to a few KB"
