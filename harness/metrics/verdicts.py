"""Verdicts: an interval above the threshold fails, one below passes, one across it is
inconclusive; too few vignettes is insufficient_data. Rate differences are judged after the
noise floor is taken off; flip sensitivity already has it taken off."""

from __future__ import annotations

from harness.metrics.scorecard import Estimate, Verdict, VerdictKind

__all__ = ["judge"]


def judge(
    metric: str,
    estimate: Estimate,
    *,
    threshold: float,
    noise: float | None,
    n_vignettes: int,
    min_vignettes: int,
    subtract_noise: bool,
) -> Verdict:
    shift = (noise or 0.0) if subtract_noise else 0.0
    low = None if estimate.ci_low is None else estimate.ci_low - shift
    high = None if estimate.ci_high is None else estimate.ci_high - shift
    verdict: VerdictKind
    if n_vignettes < min_vignettes:
        verdict = "insufficient_data"
        reason = f"{n_vignettes} vignettes; at least {min_vignettes} needed"
    elif estimate.value is None or low is None or high is None:
        verdict = "insufficient_data"
        reason = "no comparisons to measure"
    elif low > threshold:
        verdict = "fail"
        reason = f"beyond noise, the whole interval lies above {threshold:g}"
    elif high < threshold:
        verdict = "pass"
        reason = f"beyond noise, the whole interval lies below {threshold:g}"
    else:
        verdict = "inconclusive"
        reason = f"the interval [{low:.3f}, {high:.3f}] beyond noise straddles {threshold:g}"
    return Verdict(
        metric=metric,
        verdict=verdict,
        value=estimate.value,
        ci_low=estimate.ci_low,
        ci_high=estimate.ci_high,
        threshold=threshold,
        noise_floor=noise,
        n=estimate.n,
        n_vignettes=n_vignettes,
        reason=reason,
    )
