from __future__ import annotations

import json
from pathlib import Path

import click

from harness.cli.console import stdout_console

__all__ = ["command"]


@click.command("compare")
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the Markdown here."
)
def command(runs: tuple[Path, ...], as_json: bool, out: Path | None) -> None:
    """Put the models of RUNS (run folders, e.g. results/nightly-1 results/nightly-2, or one run
    with several models) side by side: rates per model, exact McNemar tests between models on
    the same cases (Holm-adjusted), and how often their decisions disagree."""
    from harness.metrics.compare import compare, load_answers
    from harness.report.comparison import render_comparison

    result = compare(load_answers(list(runs)))
    markdown = render_comparison(result)
    if out is not None:
        out.write_text(markdown, encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        stdout_console().print(markdown, markup=False, highlight=False)
