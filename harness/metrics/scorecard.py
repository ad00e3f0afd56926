"""scorecard.json: the contract between a run and everything that reads it (reports, gates,
dashboards). Add fields freely; rename or remove only with a schema_version bump."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "AxisCard",
    "Estimate",
    "FlipDirection",
    "GroupStats",
    "ModelCard",
    "PairAnswer",
    "PairExample",
    "RateDisparity",
    "ScenarioInfo",
    "Scorecard",
    "Severity",
    "ThreeWay",
    "Verdict",
    "VerdictKind",
]

SCHEMA_VERSION = 2

VerdictKind = Literal["pass", "fail", "inconclusive", "insufficient_data"]
Severity = Literal["medium", "high", "extreme"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Estimate(_Model):
    """A point estimate with its 95% interval from a bootstrap over counterfactual sets."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = Field(default=0, description="comparisons or answers behind the value")
    n_clusters: int = Field(
        default=0, description="counterfactual sets (vignettes) behind the value"
    )


class ThreeWay(_Model):
    """One measure at the three levels: the same case resampled, the same group renamed, and
    another group against the reference. sensitivity = sibling minus the larger noise figure."""

    repeat: Estimate
    null: Estimate
    sibling: Estimate
    sensitivity: Estimate


class GroupStats(_Model):
    group: str
    is_reference: bool
    n_cases: int
    n_answers: int
    n_ok: int
    n_errors: int
    n_refusals: int
    n_unknown: int = Field(description="answers whose decision could not be extracted")
    mean_length_chars: float | None = None
    mean_reading_grade: float | None = Field(
        default=None, description="Flesch-Kincaid grade level of the answers' prose"
    )


class RateDisparity(_Model):
    """The rate of one outcome per group (errors in the denominator: a failed call is not a
    favourable outcome), the largest difference across groups and the ratio."""

    name: str
    kind: Literal["decision", "finding", "outcome", "accuracy"]
    by_group: dict[str, float | None]
    n_by_group: dict[str, int]
    difference: Estimate
    noise: float | None = Field(
        default=None, description="largest rate difference between surface forms of one group"
    )
    ratio: float | None
    highest: str | None
    lowest: str | None
    p_by_group: dict[str, float] = Field(
        default_factory=dict,
        description="exact McNemar p-value of each group against the reference, paired by "
        "vignette and sample, before adjustment",
    )
    ci_by_group: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="95% bootstrap interval of each group's rate"
    )
    equalized_odds: float | None = Field(
        default=None,
        description="decisions with a gold value: fairlearn's equalized odds difference",
    )


class PairAnswer(_Model):
    group: str
    case_id: str
    text: str
    decisions: dict[str, str]
    flags: list[str]


class PairExample(_Model):
    """A counterfactual pair worth reading: the reference's answer and a sibling's answer to
    the same vignette and sample, chosen where decisions differ and the texts least agree."""

    set_id: str
    scenario_id: str
    sample: int
    similarity: float | None
    reference: PairAnswer
    sibling: PairAnswer


class FlipDirection(_Model):
    """Triage flips of a group's answers against the reference answer to the same vignette and
    sample: toward less urgent care, toward more urgent care."""

    group: str
    pairs: int
    less_urgent: int
    more_urgent: int


class Verdict(_Model):
    """One model x axis x metric judgement. `value` and its interval are the measured
    disparity; `noise_floor` is what the same measure gives between repeats or surface forms of
    one group; the verdict compares the interval beyond the noise floor with `threshold`, and a
    fail also needs the paired test, Holm-adjusted over the scorecard, to be significant."""

    metric: str
    verdict: VerdictKind
    severity: Severity | None = Field(
        default=None, description="fails only: medium up to 2x the threshold, high to 5x, extreme"
    )
    value: float | None
    ci_low: float | None
    ci_high: float | None
    threshold: float
    noise_floor: float | None
    p_value: float | None = Field(default=None, description="Holm-adjusted over the scorecard")
    p_raw: float | None = Field(default=None, description="before adjustment")
    test: str | None = Field(default=None, description="the paired test behind p_value")
    p_by_group: dict[str, float] = Field(
        default_factory=dict,
        description="raw p-value of each test behind the verdict: a group against the reference, "
        "or 'axis' for one test over the axis; Holm adjusts them all together",
    )
    n: int = Field(default=0, description="comparisons or answers behind the value")
    n_vignettes: int = 0
    reason: str


class AxisCard(_Model):
    axis: str
    reference: str
    n_vignettes: int
    groups: list[GroupStats]
    flip_rate: dict[str, ThreeWay] = Field(description="per decision: flip rates")
    similarity: ThreeWay = Field(description="mean text similarity (0-100, rapidfuzz)")
    rates: list[RateDisparity]
    accuracy: list[RateDisparity] = Field(
        default_factory=list,
        description="per decision with a gold value: the share of answers that match it",
    )
    flip_direction: list[FlipDirection] = Field(default_factory=list)
    worst_pairs: list[PairExample] = Field(default_factory=list)
    suppressed_groups: list[str] = Field(
        default_factory=list,
        description="factorial cells below the minimum size: counted, not compared",
    )
    verdicts: list[Verdict]


class ModelCard(_Model):
    model: str
    params: dict[str, float | int | str | None]
    n_calls: int
    n_cache_hits: int
    n_errors: int
    n_retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = Field(
        default=0.0, description="paid for this run's calls; None when the price is unknown"
    )
    axes: list[AxisCard]


class ScenarioInfo(_Model):
    """What was asked, for a reader who never opens the suite file."""

    id: str
    title: str = ""
    gold: dict[str, str] = Field(default_factory=dict)
    red_flags: list[str] = Field(default_factory=list)


class Scorecard(_Model):
    schema_version: int = SCHEMA_VERSION
    run_id: str
    suite: str
    suite_file: str
    created_at: str
    harness_version: str
    samples: int
    n_cases: int
    thresholds: dict[str, float]
    scenarios: list[ScenarioInfo] = Field(default_factory=list)
    inputs: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="sha256 of the suite file, each axis file and every template used",
    )
    models: list[ModelCard]
    notes: list[str] = Field(default_factory=list)
