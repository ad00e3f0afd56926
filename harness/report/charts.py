"""Inline SVG charts for the HTML scorecard: no script, no remote resource. Every label is
escaped here, since the SVG is inserted into the page as markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from harness.metrics.scorecard import RateDisparity, ThreeWay

__all__ = ["Bar", "bar_chart", "rate_chart", "sensitivity_chart"]

WIDTH = 460
ROW = 26
LABEL = 150
PAD = 12
BAR_COLOURS = {"reference": "#6b7280", "group": "#2f6fdb", "noise": "#9ca3af", "sibling": "#b42318"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    colour: str = BAR_COLOURS["group"]


def _x(value: float, scale: float) -> float:
    return LABEL + max(0.0, min(1.0, value / scale)) * (WIDTH - LABEL - PAD * 3)


def bar_chart(title: str, bars: Sequence[Bar], *, scale: float = 1.0, percent: bool = True) -> str:
    """Horizontal bars with 95% interval whiskers; `scale` is the value at the right edge."""
    height = PAD * 2 + 18 + ROW * len(bars) + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{PAD}" y="{PAD + 10}" class="chart-title" font-size="12" '
        f'font-weight="600">{escape(title)}</text>',
    ]
    top = PAD + 22
    for i, bar in enumerate(bars):
        y = top + i * ROW
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"{escape(bar.label[:22])}</text>"
        )
        if bar.value is None:
            parts.append(
                f'<text x="{LABEL + 4}" y="{y + 14}" font-size="11" fill="#59636e">n/a</text>'
            )
            continue
        x1 = _x(bar.value, scale)
        parts.append(
            f'<rect x="{LABEL}" y="{y + 3}" width="{x1 - LABEL:.1f}" height="15" '
            f'fill="{bar.colour}" class="bar"/>'
        )
        if bar.low is not None and bar.high is not None:
            lo, hi = _x(bar.low, scale), _x(bar.high, scale)
            parts.append(
                f'<path d="M{lo:.1f} {y + 10.5}H{hi:.1f}M{lo:.1f} {y + 5}V{y + 16}'
                f'M{hi:.1f} {y + 5}V{y + 16}" stroke="#1f2328" stroke-width="1.5" fill="none"/>'
            )
        shown = f"{bar.value:.1%}" if percent else f"{bar.value:.1f}"
        label_x = max(x1, _x(bar.high, scale) if bar.high is not None else x1) + 4
        parts.append(f'<text x="{label_x:.1f}" y="{y + 14}" font-size="11">{shown}</text>')
    axis_y = top + len(bars) * ROW + 2
    parts.append(
        f'<path d="M{LABEL} {top}V{axis_y}" stroke="#d1d9e0"/>'
        f'<text x="{LABEL}" y="{axis_y + 12}" font-size="10" fill="#59636e">0</text>'
        f'<text x="{_x(scale, scale)}" y="{axis_y + 12}" font-size="10" fill="#59636e" '
        f'text-anchor="end">{scale:.0%}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _scale(values: Sequence[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0):
        if top <= step:
            return step
    return 1.0


def rate_chart(rate: RateDisparity, reference: str) -> str:
    """One outcome's rate per group, each with its bootstrap interval."""
    bars = []
    for group, value in rate.by_group.items():
        low, high = rate.ci_by_group.get(group, (None, None))
        colour = BAR_COLOURS["reference"] if group == reference else BAR_COLOURS["group"]
        bars.append(Bar(group, value, low, high, colour))
    highs = [b.high if b.high is not None else b.value for b in bars]
    return bar_chart(f"Rate of {rate.name} by group (95% CI)", bars, scale=_scale(highs))


def sensitivity_chart(decision: str, flips: ThreeWay) -> str:
    """Flip rates at the three levels: the sibling bar counts only beyond the two noise bars."""
    bars = [
        Bar(
            "repeat (noise)",
            flips.repeat.value,
            flips.repeat.ci_low,
            flips.repeat.ci_high,
            BAR_COLOURS["noise"],
        ),
        Bar(
            "null (noise)",
            flips.null.value,
            flips.null.ci_low,
            flips.null.ci_high,
            BAR_COLOURS["noise"],
        ),
        Bar(
            "sibling",
            flips.sibling.value,
            flips.sibling.ci_low,
            flips.sibling.ci_high,
            BAR_COLOURS["sibling"],
        ),
    ]
    highs = [b.high if b.high is not None else b.value for b in bars]
    return bar_chart(f"{decision} flip rate against the noise floor", bars, scale=_scale(highs))
