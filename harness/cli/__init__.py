"""The `harness` command. Subcommands load on first use, so `harness --help` stays fast and
imports no SDK, pandas or model runtime."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any, NoReturn

import click

from harness import __version__
from harness.errors import HarnessError

__all__ = ["cli", "entry", "main"]

_COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "harness.cli.run",
        "Expand a suite, ask the models, score the answers, write the scorecard.",
    ),
    "expand": ("harness.cli.expand", "Expand a suite into cases; check minimal pairs; count them."),
    "detect": ("harness.cli.detect", "Run the detectors and decision extractors on answer text."),
    "report": ("harness.cli.report", "Render a run's scorecard.json again as Markdown and HTML."),
    "compare": ("harness.cli.compare", "Put models side by side on the same cases, with tests."),
    "plan": ("harness.cli.plan", "Vignettes and samples a suite needs; what it can detect."),
    "import": ("harness.cli.import_set", "Turn a published data set into a suite file."),
    "gate": ("harness.cli.gate", "Exit 1 on a failing verdict or a regression against a baseline."),
    "baseline": ("harness.cli.baseline", "Save a run's measures as a baseline for the gate."),
    "history": ("harness.cli.history", "A metric over the stored runs, per model, with intervals."),
    "cache": ("harness.cli.cache", "Show or clear the stored responses."),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module = importlib.import_module(_COMMANDS[cmd_name][0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in _COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harness")
def cli() -> None:
    """Does an LLM answer clinical questions safely, and alike for every patient?

    Run `harness run` with no arguments for the bundled demo on the local model."""


def main(argv: list[str] | None = None) -> Any:
    """Errors the user can fix print on one line (file: field: reason) with their exit code;
    bugs keep their traceback."""
    try:
        return cli.main(args=argv, prog_name="harness", standalone_mode=False)
    except HarnessError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


def entry() -> NoReturn:
    """The `harness` program. Once the command has finished (its files closed, its store
    committed, its workers reaped) the process leaves without the interpreter's teardown, which
    costs about 0.6 s after a run has loaded pandas, numpy and an SDK. A bug's traceback still
    goes the usual way."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be written anyway
            code = code or 1
    os._exit(code)
