"""Small hand-built scorecards for the gate tests: every number written out, so each test can
say what the gate must decide without running a model."""

from __future__ import annotations

from harness.metrics.scorecard import (
    AxisCard,
    Estimate,
    ModelCard,
    Scorecard,
    ThreeWay,
    Verdict,
    VerdictKind,
)

__all__ = ["make_card", "make_verdict"]


def make_verdict(
    metric: str,
    verdict: VerdictKind,
    value: float | None,
    low: float | None,
    high: float | None,
    *,
    threshold: float = 0.10,
    noise: float | None = 0.0,
    p_value: float | None = 0.001,
    n_vignettes: int = 8,
) -> Verdict:
    return Verdict(
        metric=metric,
        verdict=verdict,
        value=value,
        ci_low=low,
        ci_high=high,
        threshold=threshold,
        noise_floor=noise,
        p_value=p_value,
        n=64,
        n_vignettes=n_vignettes,
        reason=f"stored {verdict}",
    )


def _three() -> ThreeWay:
    e = Estimate(value=0.0, ci_low=0.0, ci_high=0.0)
    return ThreeWay(repeat=e, null=e, sibling=e, sensitivity=e)


def make_card(
    verdicts: dict[tuple[str, str], list[Verdict]], *, run_id: str = "r1", min_vignettes: int = 5
) -> Scorecard:
    """{(model, axis): verdicts} -> a scorecard holding just those."""
    models: dict[str, list[AxisCard]] = {}
    for (model, axis), found in verdicts.items():
        models.setdefault(model, []).append(
            AxisCard(
                axis=axis,
                reference="white",
                n_vignettes=8,
                groups=[],
                flip_rate={"triage": _three()},
                similarity=_three(),
                rates=[],
                verdicts=found,
            )
        )
    return Scorecard(
        run_id=run_id,
        suite="ci",
        suite_file="ci.yaml",
        created_at="2026-01-01T00:00:00+00:00",
        harness_version="0.1.0",
        samples=2,
        n_cases=32,
        thresholds={"flip_rate": 0.1, "min_vignettes": float(min_vignettes)},
        models=[
            ModelCard(model=m, params={}, n_calls=0, n_cache_hits=0, n_errors=0, axes=axes)
            for m, axes in models.items()
        ],
    )
