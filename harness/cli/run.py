from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from harness.cli.console import stdout_console

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
def command(
    suite: Path | None,
    models: tuple[str, ...],
    samples: int | None,
    temperature: float | None,
    max_tokens: int | None,
    seed: int | None,
    results: Path,
    run_id: str | None,
) -> None:
    """Run SUITE (default: the bundled demo on the local model) and write results/<run-id>/."""
    from harness.cli.progress import RunProgress
    from harness.pipeline import RunOptions, execute, prepare
    from harness.report import summary_table

    options = RunOptions(
        suite=suite,
        models=list(models),
        samples=samples,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        results=results,
        run_id=run_id,
    )
    prepared = prepare(options)
    with RunProgress(prepared.total_answers, Console(stderr=True)) as progress:
        outcome = execute(prepared, progress)
    out = stdout_console()
    out.print(summary_table(outcome.scorecard))
    out.print(f"results: {outcome.run_dir}")
    for name in ("responses.jsonl", "scorecard.json", "scorecard.md", "scorecard.html"):
        out.print(f"  {outcome.run_dir / name}")
    out.print(
        f"{outcome.n_answers} answers in {outcome.seconds:.1f} s "
        f"({outcome.n_cache_hits} from the cache, {outcome.n_errors} errors)"
    )
