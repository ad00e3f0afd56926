"""The trend chart: well-formed standalone SVG, one point and whisker per measured run and
model, the threshold dashed, failing runs ringed, gaps where a run measured nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.history import HistoryRow
from harness.report.trend import trend_charts, trend_page, trend_svg

SVG = "{http://www.w3.org/2000/svg}"


def _row(run: str, model: str, value: float | None, verdict: str = "pass") -> HistoryRow:
    low = None if value is None else value - 0.05
    high = None if value is None else value + 0.05
    return HistoryRow(
        run_id=run,
        created_at=f"2026-01-0{run[-1]}T02:00:00+00:00",
        suite="ci",
        model=model,
        axis="race",
        metric="flip_rate:triage",
        verdict=verdict,
        severity=None,
        value=value,
        ci_low=low,
        ci_high=high,
        threshold=0.1,
        noise_floor=0.0,
        p_value=None,
        n=64,
    )


ROWS = [
    _row("night-1", "openai:gpt-4o", 0.02),
    _row("night-1", "a&b <model>", 0.05),
    _row("night-2", "openai:gpt-4o", None, "insufficient_data"),
    _row("night-2", "a&b <model>", 0.06),
    _row("night-3", "openai:gpt-4o", 0.30, "fail"),
    _row("night-3", "a&b <model>", 0.04),
]


def test_trend_is_well_formed_svg_with_whiskers_and_threshold() -> None:
    svg = trend_svg(ROWS, axis="race", metric="flip_rate:triage")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    points = root.findall(f".//{SVG}circle")
    assert len(points) == 5  # six rows, one without a value
    whiskers = [p for p in root.iter(f"{SVG}path") if p.get("class") == "whisker"]
    assert len(whiskers) == 5
    ringed = [p for p in points if p.get("stroke") == "#B00020"]
    assert len(ringed) == 1 and "night-3" in (ringed[0].findtext(f"{SVG}title") or "")
    lines = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "series"]
    # gpt-4o has a gap at night-2, so only the other model draws a connected line
    assert len(lines) == 1 and len((lines[0].get("points") or "").split()) == 3
    assert any(p.get("class") == "threshold" for p in root.iter(f"{SVG}polyline"))
    assert (
        "a&amp;b &lt;model&gt;" in svg
        and "<script" not in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )


def test_higher_values_sit_higher() -> None:
    root = ET.fromstring(trend_svg(ROWS, axis="race", metric="flip_rate:triage"))
    ys = {
        (c.findtext(f"{SVG}title") or "").split(" · ")[0]: float(c.get("cy") or 0)
        for c in root.iter(f"{SVG}circle")
        if "gpt-4o" in (c.findtext(f"{SVG}title") or "")
    }
    assert ys["night-3"] < ys["night-1"]  # SVG y grows downward


def test_no_rows_and_one_chart_per_axis_metric() -> None:
    assert "no runs recorded" in trend_svg([], axis="race", metric="flip_rate:triage")
    other = [r.__class__(**{**r.__dict__, "axis": "gender"}) for r in ROWS]
    charts = trend_charts(ROWS + other)
    assert [title for title, _ in charts] == [
        "flip_rate:triage on race",
        "flip_rate:triage on gender",
    ]
    assert trend_page(ROWS).count("<svg") == 1
