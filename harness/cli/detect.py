from __future__ import annotations

import json
import sys
from typing import TextIO

import click

__all__ = ["command"]


@click.command("detect")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--decision",
    "decisions",
    multiple=True,
    default=("triage",),
    show_default=True,
    help="Decisions to extract.",
)
def command(source: TextIO, decisions: tuple[str, ...]) -> None:
    """Findings and decisions for one answer read from SOURCE (a file, or - for stdin)."""
    from harness.detect import detect
    from harness.extract import answer_text, extract_decisions
    from harness.suite import DECISION_VALUES

    for name in decisions:
        if name not in DECISION_VALUES:
            raise click.BadParameter(f"unknown decision {name!r}", param_hint="--decision")
    text = source.read()
    result = {
        "decisions": extract_decisions(text, decisions),
        "findings": [f.as_dict() for f in detect(answer_text(text))],
    }
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
