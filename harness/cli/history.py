from __future__ import annotations

from pathlib import Path

import click

from harness.cli.console import stdout_console

__all__ = ["command"]


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@click.command("history")
@click.option(
    "--results",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("results"),
    show_default=True,
    help="The results folder whose store holds the runs.",
)
@click.option("--model", "-m", help="Only this model (a glob: 'openai:*').")
@click.option("--metric", help="Only this metric (a glob: 'flip_rate:*').")
@click.option("--axis", help="Only this axis.")
@click.option("--suite", help="Only runs of this suite.")
@click.option("--last", type=click.IntRange(min=1), help="Only the most recent N runs.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the trends as a standalone HTML page of SVG charts.",
)
def command(
    results: Path,
    model: str | None,
    metric: str | None,
    axis: str | None,
    suite: str | None,
    last: int | None,
    html_file: Path | None,
) -> None:
    """A metric over the stored runs, per model, with its interval and verdict."""
    from rich.table import Table

    from harness.errors import InputError
    from harness.history import backfill_history, query_history
    from harness.pipeline import STORE_NAME

    store = results / STORE_NAME
    if not store.is_file():
        raise InputError(store, "", "no results store here (run harness run first)")
    lost = backfill_history(store)
    if lost:
        click.echo(
            f"{len(lost)} run(s) have no readable scorecard and are not in the history: "
            + ", ".join(lost),
            err=True,
        )
    rows = query_history(store, model=model, metric=metric, axis=axis, suite=suite, last=last)
    if not rows:
        click.echo("no stored runs match")
        return
    rows.sort(key=lambda r: (r.model, r.axis, r.metric, r.created_at, r.run_id))
    table = Table(title=f"history: {len({r.run_id for r in rows})} runs")
    for column in ("model", "axis", "metric", "run", "date", "value [95% CI]", "thr.", "verdict"):
        table.add_column(column, justify="right" if column in ("thr.",) else "left")
    for i, r in enumerate(rows):
        last_of_series = i + 1 == len(rows) or (
            rows[i + 1].model,
            rows[i + 1].axis,
            rows[i + 1].metric,
        ) != (r.model, r.axis, r.metric)
        table.add_row(
            r.model,
            r.axis,
            r.metric,
            r.run_id,
            r.created_at[:16].replace("T", " "),
            f"{_num(r.value)} [{_num(r.ci_low)}, {_num(r.ci_high)}]",
            f"{r.threshold:g}",
            r.verdict + (f" ({r.severity})" if r.severity else ""),
            end_section=last_of_series,
        )
    stdout_console().print(table)
    if html_file is not None:
        from harness.report.trend import trend_page

        rows.sort(key=lambda r: (r.created_at, r.run_id))
        html_file.write_text(trend_page(rows), encoding="utf-8")
        click.echo(f"wrote {html_file}")
