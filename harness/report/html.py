"""The scorecard as one self-contained HTML page: inline CSS, no script, no remote resource, so it
can be mailed, archived or opened on an air-gapped ward machine and still read the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from harness.metrics.scorecard import AxisCard, ModelCard, PairExample, Scorecard
from harness.report.charts import rate_chart, sensitivity_chart
from harness.report.format import (
    HOW_TO_READ,
    VERDICT_LABEL,
    AxisRow,
    GroupRow,
    RateRow,
    VerdictRow,
    axis_rows,
    count,
    estimate,
    group_rows,
    headline,
    largest_decision_rate,
    number,
    overview,
    params,
    rate_groups,
    rate_rows,
    verdict_rows,
)
from harness.report.word_diff import Segment, word_diff

__all__ = ["render_html"]

_TEMPLATE = "scorecard.html.j2"


@dataclass(frozen=True)
class _PairView:
    example: PairExample
    reference: list[Segment]
    sibling: list[Segment]


@dataclass(frozen=True)
class _AxisView:
    card: AxisCard
    groups: list[GroupRow]
    rate_groups: list[str]
    rates: list[RateRow]
    verdicts: list[VerdictRow]
    charts: list[Markup]
    pairs: list[_PairView]


def _charts(axis: AxisCard) -> list[Markup]:
    """The decision rate that differs most across groups, then each decision's flip rates
    against the noise floor. The SVG is built with every label escaped (charts.py)."""
    out = []
    rate = largest_decision_rate(axis)
    if rate is not None:
        out.append(Markup(rate_chart(rate, axis.reference)))  # noqa: S704 - escaped in charts.py
    for decision, flips in axis.flip_rate.items():
        out.append(Markup(sensitivity_chart(decision, flips)))  # noqa: S704 - escaped there too
    return out


def _pairs(axis: AxisCard) -> list[_PairView]:
    views = []
    for example in axis.worst_pairs:
        ref, sib = word_diff(example.reference.text, example.sibling.text)
        views.append(_PairView(example, ref, sib))
    return views


@dataclass(frozen=True)
class _ModelView:
    index: int
    card: ModelCard
    params: str
    rows: list[AxisRow]
    axes: list[_AxisView]


@cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("harness.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(_TEMPLATE)


def _model_view(index: int, model: ModelCard) -> _ModelView:
    axes = [
        _AxisView(
            a, group_rows(a), rate_groups(a), rate_rows(a), verdict_rows(a), _charts(a), _pairs(a)
        )
        for a in model.axes
    ]
    return _ModelView(index, model, params(model), axis_rows(model), axes)


def render_html(card: Scorecard, *, trends: Sequence[tuple[str, str]] = ()) -> str:
    """`trends`: (title, svg) charts of metrics over earlier runs (harness.history.trends),
    built with every label escaped."""
    axes, worst = overview(card)
    return _template().render(
        card=card,
        how_to_read=HOW_TO_READ,
        labels=VERDICT_LABEL,
        overview_axes=axes,
        overview_rows=worst,
        models=[_model_view(i, m) for i, m in enumerate(card.models)],
        thresholds=[(k, number(v)) for k, v in card.thresholds.items()],
        count=count,
        estimate=estimate,
        severities=_severities(card),
        headlines=[headline(m) for m in card.models],
        trends=[(title, Markup(svg)) for title, svg in trends],  # noqa: S704 - escaped in trend.py
    )


def _severities(card: Scorecard) -> dict[tuple[int, str], str]:
    """The worst severity among each model x axis's fails, for the overview."""
    order = {"medium": 0, "high": 1, "extreme": 2}
    out: dict[tuple[int, str], str] = {}
    for i, model in enumerate(card.models):
        for axis in model.axes:
            found = [v.severity for v in axis.verdicts if v.severity is not None]
            if found:
                out[(i, axis.axis)] = max(found, key=order.__getitem__)
    return out
