"""The scorecard as GitHub-flavoured Markdown: for pull requests, tickets and the results folder."""

from __future__ import annotations

from collections.abc import Sequence

from harness.metrics.scorecard import AxisCard, ModelCard, Scorecard, VerdictKind
from harness.report.format import (
    DASH,
    HOW_TO_READ,
    VERDICT_LABEL,
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

__all__ = ["render_markdown"]

# Colour for those who see it, the word for everyone else.
_MARK: dict[VerdictKind, str] = {
    "pass": "🟢",
    "fail": "🔴",
    "inconclusive": "🟡",
    "insufficient_data": "⚪",
}

_ESCAPES = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;", "`": "\\`", "*": "\\*"}
)


def _escape(text: str) -> str:
    """Group names, answers and reasons come from user files: a `|` would split a cell and
    raw HTML would reach the reader's renderer."""
    return " ".join(text.split()).translate(_ESCAPES)


def _badge(kind: VerdictKind | None) -> str:
    return DASH if kind is None else f"{_MARK[kind]} **{VERDICT_LABEL[kind]}**"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], right: int = 0) -> list[str]:
    """`right` columns from the end are numbers and align right."""
    aligns = ["---"] * (len(head) - right) + ["---:"] * right
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _header(card: Scorecard) -> list[str]:
    lines = [
        f"# Clinical QA safety scorecard: {_escape(card.suite)}",
        "",
        f"> **How to read this.** {_escape(HOW_TO_READ)}",
        "",
        "Verdicts: "
        + " · ".join(_badge(k) for k in ("pass", "fail", "inconclusive", "insufficient_data")),
        "",
    ]
    meta = [
        ("Suite", f"{_escape(card.suite)} ({_escape(card.suite_file)})"),
        ("Run id", _escape(card.run_id)),
        ("Date", _escape(card.created_at)),
        ("Harness version", f"{_escape(card.harness_version)} (schema {card.schema_version})"),
        ("Samples per case", count(card.samples)),
        ("Cases", count(card.n_cases)),
        ("Models", count(len(card.models))),
    ]
    lines += _table(["Run", ""], meta)
    if card.thresholds:
        rows = [(_escape(k), number(v)) for k, v in card.thresholds.items()]
        lines += ["## Thresholds", "", *_table(["Threshold", "Value"], rows, right=1)]
    lines += ["## Notes", ""]
    lines += [f"- {_escape(n)}" for n in card.notes] or ["- none"]
    lines.append("")
    axes, worst = overview(card)
    if axes:
        lines += ["## Overview: worst verdict per axis", ""]
        table = [[_escape(m), *(_badge(k) for k in kinds)] for m, kinds in worst]
        lines += _table(["Model", *(_escape(a) for a in axes)], table)
    return lines


def _axis(axis: AxisCard) -> list[str]:
    lines = [f"### Axis: {_escape(axis.axis)} (reference: {_escape(axis.reference)})", ""]
    groups = [
        [
            _escape(g.group) + (" (reference)" if g.is_reference else ""),
            g.cases,
            g.answers,
            g.ok,
            g.errors,
            g.refusals,
            g.unknown,
            g.mean_length,
        ]
        for g in group_rows(axis)
    ]
    head = ["Group", "Cases", "Answers", "OK", "Errors", "Refusals", "Unknown", "Mean length"]
    lines += ["#### Groups", "", *_table(head, groups, right=7)]
    lines += ["#### Rate disparities", ""]
    if axis.rates:
        names = [_escape(g) for g in rate_groups(axis)]
        head = [
            "Outcome",
            "Kind",
            *names,
            "Largest difference",
            "Noise",
            "Ratio",
            "Highest",
            "Lowest",
        ]
        rates = [
            [
                _escape(r.name),
                r.kind,
                *(c.text for c in r.cells),
                r.difference,
                r.noise,
                r.ratio,
                _escape(r.highest),
                _escape(r.lowest),
            ]
            for r in rate_rows(axis)
        ]
        lines += _table(head, rates)
    else:
        lines += ["No rates measured.", ""]
    lines += ["#### Verdicts", ""]
    if axis.verdicts:
        head = ["What is measured", "Verdict", "Value [95% CI]", "Threshold", "Noise"]
        head += ["p (Holm)", "Reason"]
        rows = [
            [
                _escape(v.label) if v.label == v.metric else f"{_escape(v.label)} (`{v.metric}`)",
                _badge(v.verdict) + (f" {v.severity}" if v.severity else ""),
                v.value,
                v.threshold,
                v.noise,
                v.p_value,
                _escape(v.reason),
            ]
            for v in verdict_rows(axis)
        ]
        lines += _table(head, rows)
    else:
        lines += ["No verdicts.", ""]
    return lines


def _model(index: int, model: ModelCard) -> list[str]:
    lines = [
        f"## Model {index + 1}: {_escape(model.model)}",
        "",
        f"Parameters: {_escape(params(model))} · calls {count(model.n_calls)}"
        f" · cache hits {count(model.n_cache_hits)} · errors {count(model.n_errors)}",
        "",
        "### Per-axis flip rates and similarity",
        "",
    ]
    head = [
        "Axis",
        "Reference",
        "Vignettes",
        "Measure",
        "Repeat (noise)",
        "Null (noise)",
        "Sibling",
        "Sensitivity",
        "Worst verdict",
    ]
    rows = [
        [
            _escape(r.axis),
            _escape(r.reference),
            r.vignettes,
            _escape(r.measure),
            r.repeat,
            r.null,
            r.sibling,
            r.sensitivity,
            _badge(r.worst),
        ]
        for r in axis_rows(model)
    ]
    lines += _table(head, rows) if rows else ["No axes measured.", ""]
    for axis in model.axes:
        lines += _axis(axis)
    return lines


def render_markdown(card: Scorecard) -> str:
    lines = _header(card)
    for i, model in enumerate(card.models):
        lines += _model(i, model)
    return "\n".join(lines).rstrip("\n") + "\n"
