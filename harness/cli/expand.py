from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from harness.cli.console import stdout_console

__all__ = ["command"]


@click.command("expand")
@click.argument("suite", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Write the case table (.jsonl or .csv)."
)
def command(suite: Path | None, out: Path | None) -> None:
    """Expand SUITE (default: the bundled demo) into cases and check every minimal pair."""
    from harness.expand import count_cases, expand_suite, write_case_table
    from harness.suite import default_suite_path, load_suite

    loaded = load_suite(suite or default_suite_path())
    cases = expand_suite(loaded)
    table = Table(title=f"{loaded.suite.name}: counterfactual sets ({loaded.path})")
    for column in ("scenario", "axis", "reference", "siblings", "nulls", "cases"):
        table.add_column(column, justify="left" if column in ("scenario", "axis") else "right")
    for (scenario, axis), kinds in count_cases(cases).items():
        table.add_row(
            scenario,
            axis,
            str(kinds["reference"]),
            str(kinds["sibling"]),
            str(kinds["null"]),
            str(sum(kinds.values())),
        )
    console = stdout_console()
    console.print(table)
    unique = len({c.id for c in cases})
    sets = len({c.set_id for c in cases})
    console.print(
        f"{sets} counterfactual sets, {len(cases)} case rows, {unique} unique requests; "
        "minimal-pair check passed."
    )
    if out is not None:
        write_case_table(cases, out)
        console.print(f"case table: {out}")
