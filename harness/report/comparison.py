"""`harness compare` as Markdown: rates side by side, the paired tests that matter, and how
often two models' decisions disagree."""

from __future__ import annotations

from harness.metrics.compare import Comparison
from harness.report.format import count, p_value, percent
from harness.report.markdown import _escape, _table

__all__ = ["render_comparison"]


def render_comparison(result: Comparison, *, alpha: float = 0.05, top: int = 20) -> str:
    models = result.models
    names = [_escape(m) for m in models]
    rows = [
        ["answers", *(count(result.n_answers[m]) for m in models)],
        ["errors", *(percent(result.error_rate[m]) for m in models)],
        *([_escape(o), *(percent(r[m]) for m in models)] for o, r in result.rates.items()),
    ]
    lines = ["# Model comparison", "", *_table(["Outcome", *names], rows, right=len(models))]
    heading = f"Paired differences (exact McNemar, same cases; Holm over {len(result.tests)} tests)"
    lines += [f"## {heading}", ""]
    shown = [t for t in result.tests if t.p_value < alpha][:top]
    if shown:
        head = ["Outcome", "A", "B", "Pairs", "A rate", "B rate", "only A", "only B", "p (Holm)"]
        tests = [
            [
                _escape(t.outcome),
                _escape(t.model_a),
                _escape(t.model_b),
                count(t.n_pairs),
                percent(t.rate_a),
                percent(t.rate_b),
                count(t.only_a),
                count(t.only_b),
                p_value(t.p_value),
            ]
            for t in shown
        ]
        lines += _table(head, tests, right=6)
    else:
        lines += [f"No difference between models is significant at {alpha} after Holm.", ""]
    for decision, table in result.disagreement.items():
        lines += [f"## How often {decision} differs on the same case and sample", ""]
        matrix = [
            [name, *(percent(table[a][b]) for b in models)]
            for a, name in zip(models, names, strict=True)
        ]
        lines += _table(["", *names], matrix, right=len(models))
    return "\n".join(lines)
