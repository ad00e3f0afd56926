"""Verdicts, in two steps.

`judge` reads one measure against its threshold after the noise floor is taken off: the whole
interval below the threshold passes; a point estimate beyond it is a candidate fail; anything
else is inconclusive; too few vignettes is insufficient_data. `finalize` then adjusts every
paired test of the scorecard together (Holm) and keeps a fail only where the adjusted test is
significant; a candidate fail whose test is not becomes inconclusive. Fails get a severity from
how far beyond the threshold they lie."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from harness.metrics.paired_tests import holm
from harness.metrics.scorecard import Estimate, Scorecard, Severity, Verdict, VerdictKind

__all__ = ["ALPHA", "finalize", "judge", "settle", "severity"]

ALPHA: Final = 0.05


def severity(beyond_noise: float, threshold: float) -> Severity:
    ratio = beyond_noise / threshold
    if ratio <= 2.0:
        return "medium"
    return "high" if ratio <= 5.0 else "extreme"


def judge(
    metric: str,
    estimate: Estimate,
    *,
    threshold: float,
    noise: float | None,
    n_vignettes: int,
    min_vignettes: int,
    subtract_noise: bool,
    p_by_group: Mapping[str, float] | None = None,
    test: str | None = None,
) -> Verdict:
    """`p_by_group` holds the raw p-values of the tests behind the measure (one per group against
    the reference, or one for the axis); `finalize` adjusts them."""
    shift = (noise or 0.0) if subtract_noise else 0.0
    low = None if estimate.ci_low is None else estimate.ci_low - shift
    high = None if estimate.ci_high is None else estimate.ci_high - shift
    verdict: VerdictKind
    grade: Severity | None = None
    if n_vignettes < min_vignettes:
        verdict = "insufficient_data"
        reason = f"{n_vignettes} vignettes; at least {min_vignettes} needed"
    elif estimate.value is None or low is None or high is None:
        verdict = "insufficient_data"
        reason = "no comparisons to measure"
    elif high < threshold:
        verdict = "pass"
        reason = f"beyond noise, the whole interval lies below {threshold:g}"
    elif estimate.value - shift > threshold:
        verdict = "fail"  # a candidate until `settle` has seen the adjusted test
        grade = severity(estimate.value - shift, threshold)
        reason = f"beyond noise, {estimate.value - shift:.3f} exceeds {threshold:g}"
    else:
        verdict = "inconclusive"
        reason = f"the interval [{low:.3f}, {high:.3f}] beyond noise straddles {threshold:g}"
    p_values = dict(p_by_group or {})
    return Verdict(
        metric=metric,
        verdict=verdict,
        severity=grade,
        value=estimate.value,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        threshold=threshold,
        noise_floor=noise,
        p_raw=min(p_values.values()) if p_values else None,
        test=test if p_values else None,
        p_by_group=p_values,
        n=estimate.n,
        n_vignettes=n_vignettes,
        reason=reason,
    )


def settle(verdict: Verdict, p_adjusted: float | None, alpha: float = ALPHA) -> Verdict:
    """A judged verdict given its adjusted p-value: a candidate fail stays a fail (with the
    severity `judge` gave it) only when the test is significant; else it is inconclusive."""
    update: dict[str, object] = {"p_value": p_adjusted}
    if verdict.verdict == "fail":
        if p_adjusted is None or p_adjusted >= alpha:
            shown = "no paired test" if p_adjusted is None else f"adjusted p = {p_adjusted:.3g}"
            update["verdict"] = "inconclusive"
            update["severity"] = None
            update["reason"] = f"{verdict.reason}, but the difference is not significant ({shown})"
        else:
            update["reason"] = f"{verdict.reason}; adjusted p = {p_adjusted:.3g}"
    return verdict.model_copy(update=update)


def finalize(card: Scorecard, alpha: float = ALPHA) -> Scorecard:
    """Holm over every test in the scorecard (every model, axis, metric and group); a verdict's
    adjusted p-value is the smallest adjusted value among its own tests."""
    where: list[tuple[int, int, int]] = []
    raw: list[float] = []
    for m, model in enumerate(card.models):
        for a, axis in enumerate(model.axes):
            for v, verdict in enumerate(axis.verdicts):
                for p in verdict.p_by_group.values():
                    where.append((m, a, v))
                    raw.append(p)
    adjusted: dict[tuple[int, int, int], float] = {}
    for key, p in zip(where, holm(raw) if raw else [], strict=True):
        adjusted[key] = min(p, adjusted.get(key, 1.0))
    models = []
    for m, model in enumerate(card.models):
        axes = []
        for a, axis in enumerate(model.axes):
            verdicts = [
                settle(verdict, adjusted.get((m, a, v)), alpha)
                for v, verdict in enumerate(axis.verdicts)
            ]
            axes.append(axis.model_copy(update={"verdicts": verdicts}))
        models.append(model.model_copy(update={"axes": axes}))
    return card.model_copy(update={"models": models})
