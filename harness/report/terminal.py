"""A one-screen summary for the end of a run: one row per model × axis, the worst decision's flip
rate beside its noise floor, and the worst verdict."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from harness.metrics.scorecard import AxisCard, Scorecard, VerdictKind
from harness.report.format import (
    DASH,
    HOW_TO_READ,
    VERDICT_LABEL,
    count,
    estimate,
    largest_decision_rate,
    percent,
    worst_flip,
    worst_verdict,
)

__all__ = ["summary_table"]

_STYLE: dict[VerdictKind, str] = {
    "pass": "bold white on green4",
    "fail": "bold white on red3",
    "inconclusive": "bold black on yellow3",
    "insufficient_data": "bold black on grey70",
}

_SYMBOL: dict[VerdictKind, str] = {
    "pass": "✓",
    "fail": "✗",
    "inconclusive": "?",
    "insufficient_data": "∅",
}


def _badge(kind: VerdictKind | None) -> Text:
    if kind is None:
        return Text(DASH, style="dim")
    return Text(f" {_SYMBOL[kind]} {VERDICT_LABEL[kind]} ", style=_STYLE[kind])


def _cells(axis: AxisCard) -> list[Text]:
    """Text objects, never markup strings: model, axis and outcome names are user text and a
    `[bold]` in them must print as written."""
    flip = worst_flip(axis)
    if flip is None:
        decision, sibling, noise, sensitivity = DASH, DASH, DASH, DASH
    else:
        decision, three = flip
        sibling = percent(three.sibling.value)
        noise = f"{percent(three.repeat.value)} / {percent(three.null.value)}"
        sensitivity = estimate(three.sensitivity)
    rate = largest_decision_rate(axis)
    disparity = DASH if rate is None else f"{rate.name}\n{estimate(rate.difference)}"
    errors = sum(g.n_errors for g in axis.groups)
    refusals = sum(g.n_refusals for g in axis.groups)
    return [
        Text(axis.axis),
        Text(count(axis.n_vignettes)),
        Text(decision),
        Text(sibling),
        Text(noise),
        Text(sensitivity),
        Text(disparity),
        Text(f"{count(errors)} / {count(refusals)}"),
        _badge(worst_verdict(axis.verdicts)),
    ]


def summary_table(card: Scorecard) -> Table:
    table = Table(
        title=Text(f"{card.suite} · run {card.run_id} · {card.created_at}"),
        caption=Text(HOW_TO_READ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        collapse_padding=True,
    )
    table.add_column("Model", overflow="fold")
    table.add_column("Axis")
    table.add_column("Vignettes", justify="right")
    table.add_column("Decision", overflow="fold")
    table.add_column("Sibling\nflip", justify="right", max_width=8)
    table.add_column("Noise\nrep / null", justify="right", max_width=11)
    table.add_column("Sensitivity\n[95% CI]", justify="right", max_width=18)
    table.add_column("Largest rate diff\n[95% CI]", overflow="fold")
    table.add_column("Errors /\nrefusals", justify="right", max_width=9)
    table.add_column("Worst\nverdict")
    for model in card.models:
        for i, axis in enumerate(model.axes):
            table.add_row(
                Text(model.model if i == 0 else ""),
                *_cells(axis),
                end_section=i == len(model.axes) - 1,
            )
        if not model.axes:
            table.add_row(Text(model.model), *[Text(DASH)] * 9, end_section=True)
    return table
