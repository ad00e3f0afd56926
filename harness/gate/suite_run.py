"""One finished run, as tests read it: the scorecard by model, axis and metric, the decisions
of one case, the gate and the baseline comparison. What `harness_run(...)` returns in pytest.

Models replayed from a cassette are named as recorded (the cassette's `recorded_from`), so that
a test, a baseline and a test id read the same whether the answers came live or from replay."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.gate.baseline import Baseline, Regression, compare_to_baseline, load_baseline
from harness.gate.gate import JudgedVerdict, describe_verdict, gate_scorecard
from harness.metrics.scorecard import (
    AxisCard,
    ModelCard,
    RateDisparity,
    Scorecard,
    ThreeWay,
    Verdict,
    VerdictKind,
)

__all__ = ["SuiteRun", "recorded_names"]


def recorded_names(models: Sequence[str]) -> dict[str, str]:
    """`replay:path` -> the model the cassette was recorded from, when it names one model."""
    from harness.backends.cassette import read_cassette

    names: dict[str, str] = {}
    for spec in models:
        if not spec.startswith("replay:"):
            continue
        sources = {e.recorded_from for e in read_cassette(Path(spec.removeprefix("replay:")))}
        if len(sources) == 1:
            names[spec] = sources.pop()
    return names


def _renamed(card: Scorecard, names: dict[str, str]) -> Scorecard:
    models = [m.model_copy(update={"model": names.get(m.model, m.model)}) for m in card.models]
    return card.model_copy(update={"models": models})


@dataclass
class SuiteRun:
    scorecard: Scorecard
    run_dir: Path
    names: dict[str, str] = field(default_factory=dict)  # run label -> shown name
    _rows: list[dict[str, Any]] | None = field(default=None, repr=False)

    @classmethod
    def from_run(cls, card: Scorecard, run_dir: Path, names: dict[str, str]) -> SuiteRun:
        return cls(_renamed(card, names), run_dir, names)

    @property
    def models(self) -> list[str]:
        return [m.model for m in self.scorecard.models]

    def model(self, name: str | None = None) -> ModelCard:
        """The named model (as recorded, or its run label); the only one when None."""
        cards = self.scorecard.models
        if name is None and len(cards) == 1:
            return cards[0]
        wanted = self.names.get(name or "", name)
        for card in cards:
            if card.model == wanted:
                return card
        raise KeyError(f"model {name!r}: this run has {', '.join(self.models)}")

    def axis(self, axis: str, *, model: str | None = None) -> AxisCard:
        card = self.model(model)
        for a in card.axes:
            if a.axis == axis:
                return a
        raise KeyError(f"axis {axis!r}: {card.model} has {', '.join(a.axis for a in card.axes)}")

    def verdict(self, metric: str, *, axis: str, model: str | None = None) -> Verdict:
        card = self.axis(axis, model=model)
        for v in card.verdicts:
            if v.metric == metric:
                return v
        known = ", ".join(v.metric for v in card.verdicts)
        raise KeyError(f"metric {metric!r} on {axis}: the verdicts are {known}")

    def flip_rate(
        self, axis: str, decision: str = "triage", *, model: str | None = None
    ) -> ThreeWay:
        """Repeat, null, sibling and sensitivity flip rates of one decision."""
        return self.axis(axis, model=model).flip_rate[decision]

    def _rate(self, axis: str, kind: str, name: str, model: str | None) -> RateDisparity:
        card = self.axis(axis, model=model)
        for rate in card.rates:
            if rate.kind == kind and rate.name == name:
                return rate
        known = ", ".join(r.name for r in card.rates if r.kind == kind)
        raise KeyError(f"{kind} rate {name!r} on {axis}: known are {known}")

    def finding_rate(self, axis: str, category: str, *, model: str | None = None) -> RateDisparity:
        """The rate of one finding category per group, with its largest difference."""
        return self._rate(axis, "finding", category, model)

    def decision_rate(
        self, axis: str, decision: str, value: str, *, model: str | None = None
    ) -> RateDisparity:
        """The rate of `decision == value` per group, e.g. ("race", "triage", "urgent")."""
        return self._rate(axis, "decision", f"{decision}={value}", model)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The answers table (responses.jsonl): one row per set, case, model and sample."""
        if self._rows is None:
            with (self.run_dir / "responses.jsonl").open(encoding="utf-8") as fh:
                self._rows = [json.loads(line) for line in fh if line.strip()]
        return self._rows

    def decisions(
        self, scenario: str, *, axis: str, group: str, form: int = 0, model: str | None = None
    ) -> list[dict[str, str]]:
        """The decisions extracted from each sample's answer to one case: the scenario asked
        of `group` on `axis`, in its `form`-th surface form (0: the first)."""
        label = next((k for k, v in self.names.items() if v == self.model(model).model), None)
        label = label or self.model(model).model
        found: dict[int, dict[str, str]] = {}
        for r in self.rows:
            if (r["model"], r["scenario_id"], r["axis"], r["group"], r["form"]) == (
                label,
                scenario,
                axis,
                group,
                form,
            ):
                found.setdefault(int(r["sample"]), dict(r["decisions"]))
        rows = [found[s] for s in sorted(found)]
        if not rows:
            raise KeyError(f"no answers to {scenario} for {axis}={group} (form {form})")
        return rows

    def failures(self, fail_on: Collection[VerdictKind] = ()) -> list[JudgedVerdict]:
        return gate_scorecard(self.scorecard, fail_on=fail_on).failures

    def regressions(
        self, baseline: Path | Baseline, *, tolerance: float | None = None
    ) -> list[Regression]:
        loaded = load_baseline(baseline) if isinstance(baseline, Path) else baseline
        return compare_to_baseline(self.scorecard, loaded, tolerance=tolerance)

    def assert_gate(self, fail_on: Collection[VerdictKind] = ()) -> None:
        failures = self.failures(fail_on)
        if failures:
            raise AssertionError("\n".join(describe_verdict(j) for j in failures))

    def assert_no_regressions(
        self, baseline: Path | Baseline, *, tolerance: float | None = None
    ) -> None:
        found = self.regressions(baseline, tolerance=tolerance)
        if found:
            raise AssertionError("\n".join(r.describe() for r in found))
