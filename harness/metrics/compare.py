"""Models side by side on the same cases: the rate of each decision value and finding per
model, an exact McNemar test between every two models on the answers they both gave (same case,
same sample), Holm-adjusted together, and how often two models' decisions disagree."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.metrics.paired_tests import exact_mcnemar, holm

__all__ = [
    "Comparison",
    "ModelAnswers",
    "PairedTest",
    "compare",
    "load_answers",
]


@dataclass(frozen=True)
class ModelAnswers:
    """One model's answers, keyed by (case_id, sample): decisions, flags, and ok or not."""

    label: str
    answers: dict[tuple[str, int], tuple[dict[str, str], frozenset[str], bool]]


@dataclass(frozen=True)
class PairedTest:
    outcome: str
    model_a: str
    model_b: str
    n_pairs: int
    rate_a: float
    rate_b: float
    only_a: int
    only_b: int
    p_raw: float
    p_value: float  # Holm over every test of the comparison


@dataclass(frozen=True)
class Comparison:
    models: list[str]
    n_answers: dict[str, int]
    error_rate: dict[str, float]
    rates: dict[str, dict[str, float]]  # outcome -> model -> rate over all its answers
    tests: list[PairedTest]
    disagreement: dict[str, dict[str, dict[str, float | None]]]  # decision -> a -> b -> share

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": self.models,
            "n_answers": self.n_answers,
            "error_rate": self.error_rate,
            "rates": self.rates,
            "tests": [t.__dict__ for t in self.tests],
            "disagreement": self.disagreement,
        }


def _read_rows(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"line {line_no}", f"not JSON: {exc.msg}") from None


def load_answers(runs: Sequence[Path]) -> list[ModelAnswers]:
    """Every model of every run folder (its responses.jsonl); a model that appears in two runs
    is labelled run/model."""
    found: list[tuple[str, str, dict[tuple[str, int], Any]]] = []
    for run in runs:
        path = run / "responses.jsonl" if run.is_dir() else run
        if not path.is_file():
            raise InputError(run, "responses.jsonl", "no such file: is this a run folder?")
        per_model: dict[str, dict[tuple[str, int], Any]] = {}
        for row in _read_rows(path):
            try:
                key = (str(row["case_id"]), int(row["sample"]))
                value = (
                    {k: str(v) for k, v in row["decisions"].items()},
                    frozenset(row.get("flags") or ()),
                    row["status"] == "ok",
                )
                per_model.setdefault(str(row["model"]), {})[key] = value
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise InputError(path, "row", f"not an answer row: {exc!r}") from None
        found.extend((run.name, model, answers) for model, answers in per_model.items())
    names = [model for _, model, _ in found]
    return [
        ModelAnswers(model if names.count(model) == 1 else f"{run}/{model}", answers)
        for run, model, answers in found
    ]


def _outcomes(models: Sequence[ModelAnswers]) -> list[str]:
    names: set[str] = set()
    for model in models:
        for decisions, flags, ok in model.answers.values():
            if ok:
                names.update(f"{k}={v}" for k, v in decisions.items())
                names.update(f"finding:{f}" for f in flags)
    return sorted(names)


def _has(value: tuple[dict[str, str], frozenset[str], bool], outcome: str) -> bool:
    decisions, flags, _ = value
    if outcome.startswith("finding:"):
        return outcome.removeprefix("finding:") in flags
    name, _, wanted = outcome.partition("=")
    return decisions.get(name) == wanted


def _disagreement(
    models: Sequence[ModelAnswers], decisions: Iterable[str]
) -> dict[str, dict[str, dict[str, float | None]]]:
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for decision in decisions:
        table: dict[str, dict[str, float | None]] = {}
        for a in models:
            row: dict[str, float | None] = {}
            for b in models:
                common = [
                    k
                    for k in a.answers.keys() & b.answers.keys()
                    if decision in a.answers[k][0] and decision in b.answers[k][0]
                ]
                row[b.label] = (
                    sum(a.answers[k][0][decision] != b.answers[k][0][decision] for k in common)
                    / len(common)
                    if common
                    else None
                )
            table[a.label] = row
        out[decision] = table
    return out


def compare(models: Sequence[ModelAnswers]) -> Comparison:
    if len(models) < 2:
        raise InputError(None, "RUN", "compare needs at least two models (in one run or several)")
    outcomes = _outcomes(models)
    rates: dict[str, dict[str, float]] = {}
    for outcome in outcomes:
        rates[outcome] = {
            m.label: sum(_has(v, outcome) for v in m.answers.values()) / max(len(m.answers), 1)
            for m in models
        }
    raw: list[tuple[str, str, str, int, float, float, int, int, float]] = []
    for a, b in itertools.combinations(models, 2):
        common = sorted(a.answers.keys() & b.answers.keys())
        if not common:
            continue
        for outcome in outcomes:
            in_a = [_has(a.answers[k], outcome) for k in common]
            in_b = [_has(b.answers[k], outcome) for k in common]
            only_a = sum(x and not y for x, y in zip(in_a, in_b, strict=True))
            only_b = sum(y and not x for x, y in zip(in_a, in_b, strict=True))
            raw.append(
                (
                    outcome,
                    a.label,
                    b.label,
                    len(common),
                    sum(in_a) / len(common),
                    sum(in_b) / len(common),
                    only_a,
                    only_b,
                    exact_mcnemar(only_a, only_b),
                )
            )
    adjusted = holm([r[-1] for r in raw]) if raw else []
    tests = [PairedTest(*r, p_value=p) for r, p in zip(raw, adjusted, strict=True)]
    decisions = sorted({o.partition("=")[0] for o in outcomes if not o.startswith("finding:")})
    return Comparison(
        models=[m.label for m in models],
        n_answers={m.label: len(m.answers) for m in models},
        error_rate={
            m.label: sum(not ok for _, _, ok in m.answers.values()) / max(len(m.answers), 1)
            for m in models
        },
        rates=rates,
        tests=sorted(tests, key=lambda t: (t.p_value, t.outcome)),
        disagreement=_disagreement(models, decisions),
    )
