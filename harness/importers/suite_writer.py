"""What every importer produces, and how it becomes files: a suite YAML and, in a folder named
after it, one template per scenario. Text from a data set never enters a template's source: it is
passed as a variable or an axis slot, so braces in a question cannot be read as Jinja."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InputError
from harness.suite.axis import NAME_PATTERN
from harness.suite.decisions import DECISION_VALUES, OPEN_DECISIONS
from harness.suite.model import DEFAULT_MODEL

__all__ = ["ImportedScenario", "ImportedSuite", "split_variants", "write_suite"]

_TOKENS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class ImportedScenario:
    """`body` is Jinja source written by the importer (never data); data sits in `variables`."""

    id: str
    title: str
    body: str
    decisions: tuple[str, ...]
    variables: dict[str, str] = field(default_factory=dict)
    axes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ImportedSuite:
    description: str
    header: tuple[str, ...]  # YAML comment lines: source, citation, licence
    scenarios: tuple[ImportedScenario, ...]
    axes: tuple[str | dict[str, Any], ...]
    structured_output: bool = True
    axes_dir: str | None = None
    ask_decisions: bool = True  # end each prompt with the structured tail
    skipped: int = 0  # rows that held no counterfactual difference


def split_variants(texts: Sequence[str]) -> tuple[str, list[str], str]:
    """(shared start, the differing middle of each text, shared end), cut at whitespace so each
    middle holds whole words and none is empty; raises ValueError when the texts are equal."""
    if len(set(texts)) < 2:
        raise ValueError("the variants are identical")
    tokens = [_TOKENS.split(t) for t in texts]
    shortest = min(len(t) for t in tokens)
    head = 0
    while head < shortest and len({t[head] for t in tokens}) == 1:
        head += 1
    head -= head % 2  # keep whole words: even indices are words, odd ones whitespace
    tail = 0
    while tail < shortest - head and len({t[-1 - tail] for t in tokens}) == 1:
        tail += 1
    tail -= tail % 2
    while any(len(t) - head - tail <= 0 or not "".join(t[head : len(t) - tail]) for t in tokens):
        if head >= 2:
            head -= 2  # give the middle one more shared word, so no variant's slot is empty
        elif tail >= 2:
            tail -= 2
        else:
            break
    middles = ["".join(t[head : len(t) - tail]) for t in tokens]
    before = "".join(tokens[0][:head])
    after = "".join(tokens[0][len(tokens[0]) - tail :]) if tail else ""
    return before, middles, after


def decision_tail(decisions: Sequence[str]) -> str:
    lines = []
    for name in decisions:
        if name in DECISION_VALUES:
            lines.append(f"{name}: {' or '.join(DECISION_VALUES[name])}")
        elif name in OPEN_DECISIONS:
            lines.append(f"{name}: the value, or none")
    return "Answer briefly. Then end with one line for each decision:\n" + "\n".join(lines)


def _scenario_entry(scenario: ImportedScenario) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": scenario.id,
        "title": scenario.title,
        "template": f"{scenario.id}.j2",
        "variables": scenario.variables,
        "decisions": list(scenario.decisions),
    }
    if scenario.axes is not None:
        entry["axes"] = list(scenario.axes)
    return entry


def write_suite(suite: ImportedSuite, out: Path) -> list[Path]:
    """Writes OUT (the suite) and OUT's stem as a folder of templates; returns the paths."""
    name = out.stem
    if out.suffix not in (".yaml", ".yml") or not re.match(NAME_PATTERN, name):
        raise InputError(
            out, "--out", "the suite file must be NAME.yaml, NAME lower case letters, digits, _"
        )
    if not suite.scenarios:
        raise InputError(None, "FILE", "no counterfactual set found in the data")
    prompts = out.parent / name
    prompts.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for scenario in suite.scenarios:
        path = prompts / f"{scenario.id}.j2"
        tail = f"\n{decision_tail(scenario.decisions)}" if suite.ask_decisions else ""
        path.write_text(f"{scenario.body}{tail}\n", encoding="utf-8")
        written.append(path)
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": name,
        "description": suite.description,
        "prompts_dir": name,
        "structured_output": suite.structured_output,
    }
    if suite.axes_dir is not None:
        data["axes_dir"] = suite.axes_dir
    data |= {
        "axes": list(suite.axes),
        "design": {"one_at_a_time": True, "null_perturbations": 1},
        "samples": 1,
        "models": [{"spec": DEFAULT_MODEL}],
        "scenarios": [_scenario_entry(s) for s in suite.scenarios],
    }
    header = "".join(f"# {line}\n" for line in suite.header)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    out.write_text(header + body, encoding="utf-8")
    return [out, *written]
