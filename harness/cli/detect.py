"""`harness detect`: the findings and decisions of one answer (or many), so a user can see why
an answer was flagged."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:
    from harness.detect import DetectContext

__all__ = ["command"]


def _context(
    suite_path: str | None, scenario_id: str | None, patient: tuple[str, ...]
) -> tuple[DetectContext | None, list[str] | None]:
    """The scenario's context and decisions, or (None, None) without --scenario."""
    from harness.detect import DetectContext
    from harness.suite import default_suite_path, load_suite

    terms: dict[str, str] = {}
    for item in patient:
        key, sep, term = item.partition("=")
        if not sep or not key.strip() or not term.strip():
            raise click.BadParameter(
                f"expected ATTRIBUTE=TERM, got {item!r}", param_hint="--patient"
            )
        terms[key.strip()] = term.strip()
    if scenario_id is None:
        if suite_path is not None:
            raise click.UsageError("--suite needs --scenario")
        return (DetectContext.of(patient=terms) if terms else None), None
    loaded = load_suite(Path(suite_path) if suite_path else default_suite_path())
    scenarios = {s.id: s for s in loaded.suite.scenarios}
    if scenario_id not in scenarios:
        known = ", ".join(scenarios)
        raise click.BadParameter(
            f"no scenario {scenario_id!r}; known: {known}", param_hint="--scenario"
        )
    scenario = scenarios[scenario_id]
    base = DetectContext.from_scenario(scenario)
    context = DetectContext.of(base.red_flags, base.clinically_relevant, terms)
    return context, list(scenario.decisions)


def _assess(
    text: str, context: DetectContext | None, decisions: list[str], learned: bool
) -> dict[str, Any]:
    from harness.detect import detect, flagged
    from harness.extract import answer_text, extract_decisions

    values = extract_decisions(text, decisions)
    findings = detect(answer_text(text), context, triage=values.get("triage"), learned=learned)
    return {
        "findings": [f.as_dict() for f in findings],
        "flags": sorted(flagged(findings)),
        "decisions": values,
    }


def _print_human(result: dict[str, Any]) -> None:
    flags = ", ".join(result["flags"]) or "none"
    click.echo(f"flagged: {flags}")
    for name, value in result["decisions"].items():
        click.echo(f"decision {name}: {value}")
    if not result["findings"]:
        click.echo("no findings")
    for f in result["findings"]:
        marks = [m for m in ("negated", "hedged") if f[m]]
        marks += ["learned second opinion"] if f["source"] != "rules" else []
        note = f"  ({', '.join(marks)})" if marks else ""
        click.echo(f"{f['category']:32s} {f['start']:>5}-{f['end']:<5} {f['text']!r}{note}")


@click.command("detect")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--scenario", "scenario_id", help="Scenario id: its red flags and relevance.")
@click.option("--suite", "suite_path", type=click.Path(dir_okay=False), help="Suite file.")
@click.option(
    "--patient",
    multiple=True,
    metavar="ATTRIBUTE=TERM",
    help="A term the prompt used for the patient (race=Black); repeatable.",
)
@click.option(
    "--decision",
    "decision_names",
    multiple=True,
    help="Decisions to extract (default: the scenario's, else triage).",
)
@click.option(
    "--learned",
    is_flag=True,
    help="Add the learned second opinion where the rules found nothing (more recall, less "
    "precision; $HARNESS_LEARNED_MODEL picks a retrained model).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--batch",
    is_flag=True,
    help="SOURCE is JSON lines, each with a `text`; print one JSON result per line.",
)
def command(
    source: TextIO,
    scenario_id: str | None,
    suite_path: str | None,
    patient: tuple[str, ...],
    decision_names: tuple[str, ...],
    learned: bool,
    as_json: bool,
    batch: bool,
) -> None:
    """Findings and decisions for the answer in SOURCE (a file, or - for stdin)."""
    from harness.suite.decisions import DECISION_VALUES, OPEN_DECISIONS

    context, scenario_decisions = _context(suite_path, scenario_id, patient)
    decisions = list(decision_names) or scenario_decisions or ["triage"]
    known = (*DECISION_VALUES, *OPEN_DECISIONS)
    for name in decisions:
        if name not in known:
            raise click.BadParameter(
                f"unknown decision {name!r}; known: {', '.join(known)}", param_hint="--decision"
            )
    if not batch:
        result = _assess(source.read(), context, decisions, learned)
        if as_json:
            json.dump(result, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            _print_human(result)
        return
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise click.BadParameter(
                f"line {number}: expected a JSON object with a string `text`", param_hint="SOURCE"
            ) from None
        out = {"id": item["id"]} if "id" in item else {}
        out.update(_assess(text, context, decisions, learned))
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
