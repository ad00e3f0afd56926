"""Baselines: the measures of one run, kept in a reviewable JSON file next to the suite, and the
comparison of a later run with them.

A metric regressed when the change from the baseline, with both runs' uncertainty, lies beyond
the tolerance on the worse side: for a metric where higher is worse (every flip rate, rate
difference and error rate; see metric_kinds), when `(new - old) - sqrt(h_new^2 + h_old^2) >
tolerance`, h being each run's 95% interval half-width (the runs are independent samples). An
unchanged rerun cannot regress; comparing the new interval with the old point alone would flag
a clean re-recording against a one-seed baseline in 8 of 20 trials (measured with the sim).
A metric in the baseline that the new run did not measure regresses too: a
prompt change that breaks the extraction must not pass by measuring nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness import __version__
from harness.errors import InputError
from harness.gate.metric_kinds import higher_is_worse
from harness.metrics.scorecard import Scorecard, Verdict

__all__ = [
    "BASELINE_SUFFIX",
    "BASELINE_VERSION",
    "DEFAULT_TOLERANCE",
    "Baseline",
    "BaselineEntry",
    "Regression",
    "baseline_from_scorecard",
    "baseline_path",
    "compare_to_baseline",
    "load_baseline",
    "pair_models",
    "regression_of",
    "save_baseline",
]

BASELINE_VERSION: Final = 1
BASELINE_SUFFIX: Final = ".baseline.json"
DEFAULT_TOLERANCE: Final = 0.02


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaselineEntry(_Model):
    model: str
    axis: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int = 0

    @property
    def id(self) -> str:
        return f"{self.model}::{self.axis}::{self.metric}"


class Baseline(_Model):
    schema_version: int = BASELINE_VERSION
    run_id: str
    suite: str
    created_at: str
    harness_version: str
    tolerance: float = Field(default=DEFAULT_TOLERANCE, ge=0.0, le=1.0)
    entries: list[BaselineEntry]


def baseline_path(suite_file: Path) -> Path:
    """`scenarios/x.yaml` -> `scenarios/x.baseline.json`, beside its cassette."""
    return suite_file.with_name(suite_file.stem + BASELINE_SUFFIX)


def baseline_from_scorecard(card: Scorecard, *, tolerance: float = DEFAULT_TOLERANCE) -> Baseline:
    entries = [
        BaselineEntry(
            model=model.model,
            axis=axis.axis,
            metric=v.metric,
            value=v.value,
            ci_low=v.ci_low,
            ci_high=v.ci_high,
            n=v.n,
        )
        for model in card.models
        for axis in model.axes
        for v in axis.verdicts
    ]
    return Baseline(
        run_id=card.run_id,
        suite=card.suite,
        created_at=card.created_at,
        harness_version=__version__,
        tolerance=tolerance,
        entries=sorted(entries, key=lambda e: (e.model, e.axis, e.metric)),
    )


def save_baseline(baseline: Baseline, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(baseline.model_dump_json(indent=2) + "\n", encoding="utf-8")


def load_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            path, "", "baseline not found (save one with harness baseline save)"
        ) from None
    except OSError as exc:
        raise InputError(path, "", exc.strerror or str(exc)) from None
    try:
        baseline = Baseline.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise InputError(path, field, first["msg"]) from None
    if baseline.schema_version > BASELINE_VERSION:
        reason = f"written by a newer harness (version {baseline.schema_version})"
        raise InputError(path, "schema_version", reason)
    return baseline


@dataclass(frozen=True)
class Regression:
    """A baseline metric that got worse beyond its interval, or that the new run lacks."""

    kind: Literal["worse", "missing"]
    model: str
    axis: str
    metric: str
    old: BaselineEntry
    new: Verdict | None
    tolerance: float
    reason: str

    @property
    def id(self) -> str:
        return f"{self.model}::{self.axis}::{self.metric}"

    def describe(self) -> str:
        return f"{self.id} REGRESSION: {self.reason}"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def regression_of(
    model: str, axis: str, old: BaselineEntry, new: Verdict | None, *, tolerance: float
) -> Regression | None:
    """The comparison of one metric; None when it did not get worse (or the baseline measured
    nothing to compare with)."""
    if old.value is None:
        return None
    old_text = f"baseline {_fmt(old.value)} [{_fmt(old.ci_low)}, {_fmt(old.ci_high)}]"
    if new is None or new.value is None or new.ci_low is None or new.ci_high is None:
        reason = f"{old_text}; not measured in this run (save a new baseline if on purpose)"
        return Regression("missing", model, axis, old.metric, old, new, tolerance, reason)
    new_text = f"now {_fmt(new.value)} [{_fmt(new.ci_low)}, {_fmt(new.ci_high)}]"
    half_new = (new.ci_high - new.ci_low) / 2
    half_old = (
        (old.ci_high - old.ci_low) / 2
        if old.ci_low is not None and old.ci_high is not None
        else 0.0
    )
    margin = math.hypot(half_new, half_old)
    change = new.value - old.value if higher_is_worse(old.metric) else old.value - new.value
    if change - margin <= tolerance:
        return None
    direction = "up" if higher_is_worse(old.metric) else "down"
    reason = (
        f"{old_text} -> {new_text}: {direction} {change:.3f} ± {margin:.3f} (both intervals), "
        f"beyond the tolerance {tolerance:g}"
    )
    return Regression("worse", model, axis, old.metric, old, new, tolerance, reason)


def pair_models(card: Scorecard, baseline: Baseline) -> dict[str, str | None]:
    """Baseline model -> the model of this run it is compared with. Same label first; a
    one-model baseline and a one-model run pair whatever their labels, so that a baseline saved
    from a live run holds for its replay (`replay:x.cassette.jsonl`)."""
    old = sorted({e.model for e in baseline.entries})
    new = [m.model for m in card.models]
    if len(old) == 1 and len(new) == 1:
        return {old[0]: new[0]}
    return {m: (m if m in new else None) for m in old}


def compare_to_baseline(
    card: Scorecard, baseline: Baseline, *, tolerance: float | None = None
) -> list[Regression]:
    tol = baseline.tolerance if tolerance is None else tolerance
    pairs = pair_models(card, baseline)
    verdicts = {
        (model.model, axis.axis, v.metric): v
        for model in card.models
        for axis in model.axes
        for v in axis.verdicts
    }
    found = []
    for entry in baseline.entries:
        model = pairs[entry.model] or entry.model
        new = verdicts.get((model, entry.axis, entry.metric))
        regression = regression_of(model, entry.axis, entry, new, tolerance=tol)
        if regression is not None:
            found.append(regression)
    return found
