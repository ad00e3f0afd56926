"""Which trends the HTML scorecard draws: the current run's flip rates and every metric that
is not a pass now, over the suite's stored runs, when there are at least two."""

from __future__ import annotations

from pathlib import Path

from harness.history.records import query_history
from harness.metrics.scorecard import Scorecard
from harness.report.trend import trend_charts

__all__ = ["MAX_TRENDS", "scorecard_trends"]

MAX_TRENDS = 12


def scorecard_trends(store: Path, card: Scorecard) -> list[tuple[str, str]]:
    """(title, svg) pairs; empty when the store is missing or holds one run of the suite."""
    if not store.is_file():
        return []
    wanted = {
        (axis.axis, v.metric)
        for model in card.models
        for axis in model.axes
        for v in axis.verdicts
        if v.metric.startswith("flip_rate:") or v.verdict != "pass"
    }
    models = {m.model for m in card.models}
    rows = [
        r
        for r in query_history(store, suite=card.suite)
        if r.model in models and (r.axis, r.metric) in wanted
    ]
    if len({r.run_id for r in rows}) < 2:
        return []
    return trend_charts(rows)[:MAX_TRENDS]
