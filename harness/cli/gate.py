from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

if TYPE_CHECKING:
    from harness.metrics.scorecard import VerdictKind

__all__ = ["command"]

_RESULTS = click.Path(path_type=Path, file_okay=False)


@click.command("gate")
@click.argument("run")
@click.option(
    "--results",
    type=_RESULTS,
    default=Path("results"),
    show_default=True,
    help="Where to look for RUN when it is a run id.",
)
@click.option(
    "--thresholds",
    "thresholds_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML: metric patterns -> thresholds that re-judge the verdicts (see docs).",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice(["inconclusive", "insufficient_data"]),
    help="Also fail on these verdicts; repeat for both. `fail` always fails.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fail when a metric got worse than this baseline beyond both runs' intervals.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0.0, 1.0),
    help="Slack over the baseline value (default: the one saved in the baseline).",
)
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append the result as Markdown, e.g. to $GITHUB_STEP_SUMMARY.",
)
def command(
    run: str,
    results: Path,
    thresholds_file: Path | None,
    fail_on: tuple[str, ...],
    baseline_file: Path | None,
    tolerance: float | None,
    summary_file: Path | None,
) -> None:
    """Exit 1 when a verdict of RUN (a run folder, its scorecard.json or a run id) fails, or a
    metric regressed against --baseline; print each failure on one line."""
    from harness.gate import (
        compare_to_baseline,
        describe_verdict,
        gate_markdown,
        gate_scorecard,
        load_baseline,
        load_thresholds,
        read_run,
    )

    card = read_run(run, results)
    thresholds = load_thresholds(thresholds_file) if thresholds_file else None
    baseline = load_baseline(baseline_file) if baseline_file else None
    kinds = cast("tuple[VerdictKind, ...]", fail_on)
    result = gate_scorecard(card, thresholds=thresholds, fail_on=kinds)
    regressions = compare_to_baseline(card, baseline, tolerance=tolerance) if baseline else []
    for judged in result.failures:
        click.echo(describe_verdict(judged))
    for regression in regressions:
        click.echo(regression.describe())
    if summary_file is not None:
        with summary_file.open("a", encoding="utf-8") as fh:
            fh.write(gate_markdown(card.run_id, result, regressions))
    failed = len(result.failures) + len(regressions)
    compared = f", {len(baseline.entries)} compared with the baseline" if baseline else ""
    click.echo(
        f"gate {'failed' if failed else 'passed'}: {len(result.judged)} verdicts{compared}; "
        f"{len(result.failures)} failing, {len(regressions)} regressions"
    )
    if failed:
        sys.exit(1)
