"""The verdict gate: which verdicts of a scorecard fail a build. A thresholds file re-judges the
stored measures against other thresholds with the scorecard's own rules (harness.metrics.verdicts)
and the stored Holm-adjusted p-values, which do not depend on the threshold."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from harness.gate.metric_kinds import subtracts_noise
from harness.gate.thresholds import GateThresholds
from harness.metrics.scorecard import Estimate, Scorecard, Verdict, VerdictKind
from harness.metrics.verdicts import ALPHA, judge, settle

__all__ = ["GateResult", "JudgedVerdict", "describe_verdict", "gate_scorecard", "rejudge"]


@dataclass(frozen=True)
class JudgedVerdict:
    model: str
    axis: str
    verdict: Verdict
    rejudged: bool = False

    @property
    def id(self) -> str:
        """`model::axis::metric`, the same name as the pytest plugin's test ids."""
        return f"{self.model}::{self.axis}::{self.verdict.metric}"


@dataclass(frozen=True)
class GateResult:
    judged: list[JudgedVerdict]
    failures: list[JudgedVerdict]
    fail_on: frozenset[VerdictKind]

    @property
    def passed(self) -> bool:
        return not self.failures


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def describe_verdict(judged: JudgedVerdict) -> str:
    """One line: id, verdict, value, interval, threshold, noise floor, p-value and the reason."""
    v = judged.verdict
    label = v.verdict.upper() + (f" ({v.severity})" if v.severity else "")
    parts = [
        f"{judged.id} {label}:",
        f"value {_number(v.value)} [{_number(v.ci_low)}, {_number(v.ci_high)}],",
        f"threshold {v.threshold:g},",
        f"noise floor {_number(v.noise_floor)},",
        f"p {'—' if v.p_value is None else f'{v.p_value:.3g}'},",
        f"n {v.n} in {v.n_vignettes} vignettes",
    ]
    rejudged = " (re-judged with the gate's thresholds)" if judged.rejudged else ""
    return f"{' '.join(parts)} — {v.reason}{rejudged}"


def rejudge(verdict: Verdict, *, threshold: float, min_vignettes: int, alpha: float) -> Verdict:
    fresh = judge(
        verdict.metric,
        Estimate(value=verdict.value, ci_low=verdict.ci_low, ci_high=verdict.ci_high, n=verdict.n),
        threshold=threshold,
        noise=verdict.noise_floor,
        n_vignettes=verdict.n_vignettes,
        min_vignettes=min_vignettes,
        subtract_noise=subtracts_noise(verdict.metric),
        p_by_group=verdict.p_by_group,
        test=verdict.test,
    )
    return settle(fresh, verdict.p_value, alpha)


def _judged(card: Scorecard, thresholds: GateThresholds | None) -> list[JudgedVerdict]:
    stored_min = int(card.thresholds.get("min_vignettes", 1))
    out = []
    for model in card.models:
        for axis in model.axes:
            for verdict in axis.verdicts:
                if thresholds is None:
                    out.append(JudgedVerdict(model.model, axis.axis, verdict))
                    continue
                threshold = thresholds.threshold_for(model.model, axis.axis, verdict.metric)
                changed = (
                    (threshold is not None and threshold != verdict.threshold)
                    or thresholds.min_vignettes is not None
                    or thresholds.alpha is not None
                )
                if not changed:
                    out.append(JudgedVerdict(model.model, axis.axis, verdict))
                    continue
                fresh = rejudge(
                    verdict,
                    threshold=verdict.threshold if threshold is None else threshold,
                    min_vignettes=thresholds.min_vignettes or stored_min,
                    alpha=thresholds.alpha or ALPHA,
                )
                out.append(JudgedVerdict(model.model, axis.axis, fresh, rejudged=True))
    return out


def gate_scorecard(
    card: Scorecard,
    *,
    thresholds: GateThresholds | None = None,
    fail_on: Collection[VerdictKind] = (),
) -> GateResult:
    """`fail` always fails; `fail_on` adds inconclusive and/or insufficient_data."""
    failing: frozenset[VerdictKind] = frozenset(("fail", *fail_on))
    judged = _judged(card, thresholds)
    failures = [j for j in judged if j.verdict.verdict in failing]
    return GateResult(judged, failures, failing)
