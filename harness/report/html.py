"""The scorecard as one self-contained HTML page: inline CSS, no script, no remote resource, so it
can be mailed, archived or opened on an air-gapped ward machine and still read the same."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from harness.metrics.scorecard import AxisCard, ModelCard, Scorecard
from harness.report.format import (
    HOW_TO_READ,
    VERDICT_LABEL,
    AxisRow,
    GroupRow,
    RateRow,
    VerdictRow,
    axis_rows,
    count,
    group_rows,
    number,
    overview,
    params,
    rate_groups,
    rate_rows,
    verdict_rows,
)

__all__ = ["render_html"]

_TEMPLATE = "scorecard.html.j2"


@dataclass(frozen=True)
class _AxisView:
    card: AxisCard
    groups: list[GroupRow]
    rate_groups: list[str]
    rates: list[RateRow]
    verdicts: list[VerdictRow]


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
        _AxisView(a, group_rows(a), rate_groups(a), rate_rows(a), verdict_rows(a))
        for a in model.axes
    ]
    return _ModelView(index, model, params(model), axis_rows(model), axes)


def render_html(card: Scorecard) -> str:
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
    )
