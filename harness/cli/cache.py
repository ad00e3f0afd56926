from __future__ import annotations

from pathlib import Path

import click

from harness.cli.console import stdout_console

__all__ = ["command"]

_results = click.option(
    "--results",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder holding the response store.",
)


@click.group("cache")
def command() -> None:
    """The response store: every answer ever paid for, reused by later runs."""


@command.command("stats")
@_results
def stats(results: Path) -> None:
    """Rows, answers and failures per model."""
    from harness.pipeline import STORE_NAME
    from harness.store import ResponseStore

    with ResponseStore(results / STORE_NAME) as store:
        s = store.stats()
    console = stdout_console()
    console.print(
        f"{s.path}: {s.rows} rows ({s.ok} answers, {s.failed} failures), "
        f"{s.assessments} stored assessments, {s.size_bytes / 1e6:.1f} MB"
    )
    for model, n in sorted(s.models.items()):
        console.print(f"  {model}: {n}")


@command.command("clear")
@_results
@click.option("--model", help="Only this backend:model.")
@click.confirmation_option(prompt="Delete the stored responses?")
def clear(results: Path, model: str | None) -> None:
    """Delete stored responses (all, or one model's) and every stored assessment."""
    from harness.pipeline import STORE_NAME
    from harness.store import ResponseStore

    with ResponseStore(results / STORE_NAME) as store:
        n = store.clear(model)
    stdout_console().print(f"deleted {n} rows")
