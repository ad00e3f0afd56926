from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from harness.cli.console import stdout_console
from harness.importers import FORMATS

__all__ = ["command"]


@click.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The suite to write, NAME.yaml; its templates go in the folder NAME beside it.",
)
@click.option(
    "--axes-dir",
    type=click.Path(path_type=Path),
    help="omar only: the folder with race.yaml and housing.yaml (default: axes beside --out).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Import the first N sets only.")
def command(
    format_name: str, file: Path, out: Path, axes_dir: Path | None, limit: int | None
) -> None:
    """Turn a published data set FILE (equitymedqa, omar or discrimeval) into a suite.

    \b
    equitymedqa  equitymedqa_cc_manual.csv, equitymedqa_cc_llm.csv (CC-BY-4.0)
    omar         LLMs_Bias_Bench vignettes: CSV with a Case column holding {patient} (Apache-2.0)
    discrimeval  explicit.jsonl, implicit.jsonl (CC-BY-4.0)
    """
    from harness.errors import InputError
    from harness.expand import expand_suite
    from harness.importers import read_discrimeval, read_equitymedqa, read_omar, write_suite
    from harness.importers.omar import OMAR_AXES
    from harness.suite import load_suite

    readers = {"equitymedqa": read_equitymedqa, "omar": read_omar, "discrimeval": read_discrimeval}
    suite = readers[format_name](file, limit=limit)
    if format_name == "omar":
        folder = (axes_dir or out.parent / "axes").resolve()
        for axis in OMAR_AXES:
            if not (folder / f"{axis}.yaml").is_file():
                raise InputError(folder, "--axes-dir", f"no {axis}.yaml in this folder")
        suite = replace(suite, axes_dir=os.path.relpath(folder, out.parent.resolve()))
    written = write_suite(suite, out)
    loaded = load_suite(out)
    cases = expand_suite(loaded)
    console = stdout_console()
    skipped = f"; {suite.skipped} rows without a difference skipped" if suite.skipped else ""
    console.print(
        f"{out}: {len(loaded.suite.scenarios)} scenarios, {len(cases)} case rows, "
        f"{len(written) - 1} templates in {out.parent / out.stem}{skipped}; "
        "minimal-pair check passed."
    )
