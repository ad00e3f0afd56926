from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.group("baseline")
def command() -> None:
    """Keep a run's measures as the baseline that `harness gate --baseline` compares with."""


@command.command("save")
@click.argument("run")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--results",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("results"),
    show_default=True,
    help="Where to look for RUN when it is a run id.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0.0, 1.0),
    default=0.02,
    show_default=True,
    help="Slack over the baseline value before a worse interval counts as a regression.",
)
def save(run: str, file: Path, results: Path, tolerance: float) -> None:
    """Write RUN's value and interval per model x axis x metric to FILE (JSON; commit it next
    to the suite, e.g. scenarios/x.baseline.json)."""
    from harness.gate import baseline_from_scorecard, read_run, save_baseline

    baseline = baseline_from_scorecard(read_run(run, results), tolerance=tolerance)
    save_baseline(baseline, file)
    models = len({e.model for e in baseline.entries})
    click.echo(
        f"saved {len(baseline.entries)} metrics of {models} model(s) from run "
        f"{baseline.run_id} to {file}"
    )
