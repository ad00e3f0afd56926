from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from harness.cli.console import stdout_console

if TYPE_CHECKING:
    from harness.run import ModelEstimate

__all__ = ["command"]


@click.command("run")
@click.argument("suite", required=False, type=click.Path(path_type=Path))
@click.option(
    "--model",
    "-m",
    "models",
    multiple=True,
    metavar="SPEC",
    help="backend:model[@url][?key=value]; repeat for several. Default: the suite's.",
)
@click.option("--samples", type=click.IntRange(min=1), help="Samples per case (noise floor).")
@click.option("--temperature", type=click.FloatRange(0.0, 2.0), help="For every model.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="For every model.")
@click.option("--seed", type=int, help="For every model.")
@click.option(
    "--results",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder for the response store and the run folders.",
)
@click.option("--run-id", help="Name of the run folder (default: time and suite name).")
@click.option(
    "--max-cost",
    type=click.FloatRange(min=0.0),
    metavar="USD",
    help="Stop before this many dollars would be spent; what was received is kept.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes that share the calls of an HTTP model on a large run "
    "(default: one per usable CPU; 1: none).",
)
@click.option("--dry-run", is_flag=True, help="Print calls, tokens and cost; send nothing.")
@click.option(
    "--record",
    is_flag=True,
    help="Write the answers as cassettes next to the suite, for replay:PATH.",
)
def command(
    suite: Path | None,
    models: tuple[str, ...],
    samples: int | None,
    temperature: float | None,
    max_tokens: int | None,
    seed: int | None,
    results: Path,
    run_id: str | None,
    max_cost: float | None,
    workers: int | None,
    dry_run: bool,
    record: bool,
) -> None:
    """Run SUITE (default: the bundled demo on the local model) and write results/<run-id>/."""
    from harness.cli.progress import RunProgress
    from harness.pipeline import RunOptions, estimate, execute, prepare

    options = RunOptions(
        suite=suite,
        models=list(models),
        samples=samples,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        results=results,
        run_id=run_id,
        max_cost=max_cost,
        record=record,
        workers=workers,
    )
    prepared = prepare(options)
    if dry_run:
        _print_estimate(estimate(prepared))
        return
    with RunProgress(prepared.total_answers, Console(stderr=True)) as progress:
        outcome = execute(prepared, progress)
    from harness.report import summary_table  # imported by then: not before the calls

    out = stdout_console()
    out.print(summary_table(outcome.scorecard))
    out.print(f"results: {outcome.run_dir}")
    for name in ("responses.jsonl", "scorecard.json", "scorecard.md", "scorecard.html"):
        out.print(f"  {outcome.run_dir / name}")
    sharded = {m: n for m, n in outcome.workers.items() if n > 1}
    spread = (
        "; calls spread over " + ", ".join(f"{n} processes for {m}" for m, n in sharded.items())
        if sharded
        else ""
    )
    out.print(
        f"{outcome.n_answers} answers in {outcome.seconds:.1f} s "
        f"({outcome.n_cache_hits} from the cache, {outcome.n_errors} errors{spread})"
    )


def _print_estimate(estimates: list[ModelEstimate]) -> None:
    from rich.table import Table

    table = Table(title="dry run: nothing was sent")
    for column in ("model", "stored", "calls", "input tokens", "output tokens (max)", "cost (max)"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for e in estimates:
        cost = "unknown price" if e.max_cost_usd is None else f"${e.max_cost_usd:,.4f}"
        table.add_row(
            e.model,
            f"{e.cached:,}",
            f"{e.calls:,}",
            f"{e.input_tokens:,}",
            f"{e.max_output_tokens:,}",
            cost,
        )
    stdout_console().print(table)
