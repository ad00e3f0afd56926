"""A metric over runs as an inline SVG: one line per model, each run's value with its 95%
interval as a whisker, the threshold dashed, failing verdicts ringed. Pure string building: no
script, no external resource, so the HTML report stays one standalone file."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.history.records import HistoryRow

__all__ = ["PALETTE", "trend_charts", "trend_page", "trend_svg"]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_FAIL = "#B00020"
_LEFT, _RIGHT, _TOP, _BOTTOM, _LEGEND_ROW = 56, 16, 24, 56, 16


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def trend_svg(
    rows: Sequence[HistoryRow], *, axis: str, metric: str, width: int = 640, height: int = 240
) -> str:
    """The trend of one axis x metric over the runs in `rows` (oldest first), every model."""
    mine = [r for r in rows if r.axis == axis and r.metric == metric]
    runs = list(dict.fromkeys(r.run_id for r in mine))
    models = list(dict.fromkeys(r.model for r in mine))
    title = f"{metric} on {axis}"
    full_height = height + _LEGEND_ROW * len(models)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="{width}" '
        f'height="{full_height}" viewBox="0 0 {width} {full_height}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>"
    )
    if not mine:
        return f'{head}<text x="{_LEFT}" y="{_TOP + 20}">no runs recorded</text></svg>'
    numbers = [
        x for r in mine for x in (r.value, r.ci_low, r.ci_high, r.threshold) if x is not None
    ]
    low, high = min(0.0, *numbers), max(numbers)
    high = high + 0.1 * (high - low) if high > low else low + 1.0
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM

    def x_at(run: int, model: int) -> float:
        slot = plot_w / max(len(runs), 1)
        dodge = (model - (len(models) - 1) / 2) * min(8.0, slot / (2 * len(models)))
        return _LEFT + slot * (run + 0.5) + dodge

    def y_at(value: float) -> float:
        return _TOP + plot_h * (1 - (value - low) / (high - low))

    out = [head, f'<text x="{_LEFT}" y="14" font-weight="bold">{escape(title)}</text>']
    for tick in _ticks(low, high):
        y = y_at(tick)
        out.append(
            f'<line x1="{_LEFT}" x2="{width - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>'
        )
    for i, run in enumerate(runs):
        x = x_at(i, 0) if len(models) == 1 else _LEFT + plot_w / len(runs) * (i + 0.5)
        short = run if len(run) <= 16 else run[:15] + "…"
        out.append(
            f'<text x="{x:.1f}" y="{height - _BOTTOM + 16}" text-anchor="middle">'
            f"<title>{escape(run)}</title>{escape(short)}</text>"
        )
    by_run = {r.run_id: r.threshold for r in mine if r.model == models[0]}
    threshold = [(i, by_run[run]) for i, run in enumerate(runs) if run in by_run]
    if len(threshold) == 1:
        t = threshold[0][1]
        points = f"{_LEFT},{y_at(t):.1f} {width - _RIGHT},{y_at(t):.1f}"
    else:
        points = " ".join(f"{x_at(i, 0):.1f},{y_at(t):.1f}" for i, t in threshold)
    out.append(
        f'<polyline class="threshold" points="{points}" fill="none" stroke="#888" '
        f'stroke-dasharray="4 3"><title>threshold</title></polyline>'
    )
    for m, model in enumerate(models):
        color = PALETTE[m % len(PALETTE)]
        series = {r.run_id: r for r in mine if r.model == model}
        segment: list[str] = []
        lines: list[list[str]] = [segment]
        for i, run in enumerate(runs):
            row = series.get(run)
            if row is None or row.value is None:
                segment = []
                lines.append(segment)
                continue
            x, y = x_at(i, m), y_at(row.value)
            segment.append(f"{x:.1f},{y:.1f}")
            tip = escape(
                f"{run} · {model}: {_fmt(row.value)} [{_fmt(row.ci_low)}, {_fmt(row.ci_high)}]"
                f" · {row.verdict}"
            )
            if row.ci_low is not None and row.ci_high is not None:
                y1, y2 = y_at(row.ci_low), y_at(row.ci_high)
                out.append(
                    f'<path class="whisker" d="M{x:.1f},{y1:.1f}V{y2:.1f}M{x - 3:.1f},{y1:.1f}'
                    f'h6M{x - 3:.1f},{y2:.1f}h6" stroke="{color}" fill="none"/>'
                )
            ring = f' stroke="{_FAIL}" stroke-width="2"' if row.verdict == "fail" else ""
            out.append(
                f'<circle class="point {escape(row.verdict)}" cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                f'fill="{color}"{ring}><title>{tip}</title></circle>'
            )
        for segment_points in lines:
            if len(segment_points) > 1:
                out.append(
                    f'<polyline class="series" points="{" ".join(segment_points)}" fill="none" '
                    f'stroke="{color}" stroke-width="1.5"/>'
                )
        y = height - 8 + _LEGEND_ROW * m
        out.append(
            f'<rect x="{_LEFT}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{_LEFT + 16}" y="{y}">{escape(model)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def trend_charts(rows: Sequence[HistoryRow]) -> list[tuple[str, str]]:
    """(title, svg) for every axis x metric in `rows`, in first-seen order."""
    keys = list(dict.fromkeys((r.axis, r.metric) for r in rows))
    return [
        (f"{metric} on {axis}", trend_svg(rows, axis=axis, metric=metric)) for axis, metric in keys
    ]


def trend_page(rows: Sequence[HistoryRow]) -> str:
    """A standalone HTML page of every trend chart (`harness history --html`)."""
    runs = len({r.run_id for r in rows})
    charts = "\n".join(
        f"<section><h2>{escape(title)}</h2>{svg}</section>" for title, svg in trend_charts(rows)
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>harness history</title>"
        "<style>body{font-family:sans-serif;margin:2em}h2{font-size:1em}</style></head>"
        f"<body><h1>harness history: {runs} runs</h1>"
        "<p>Each point is a run's value with its 95% interval; the dashed line is the "
        "threshold; a red ring marks a failing verdict.</p>\n"
        f"{charts}\n</body></html>\n"
    )
