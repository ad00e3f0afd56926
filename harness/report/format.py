"""Numbers and table rows shared by the Markdown, HTML and terminal reports, so the three say
the same thing in the same words. Every function returns plain (unescaped) text: escaping
belongs to each renderer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from harness.metrics.scorecard import (
    AxisCard,
    Estimate,
    ModelCard,
    RateDisparity,
    Scorecard,
    ThreeWay,
    Verdict,
    VerdictKind,
)

__all__ = [
    "DASH",
    "HOW_TO_READ",
    "SIMILARITY_MEASURE",
    "VERDICT_LABEL",
    "AxisRow",
    "GroupRow",
    "RateCell",
    "RateRow",
    "Scale",
    "VerdictRow",
    "axis_rows",
    "count",
    "count_share",
    "estimate",
    "group_rows",
    "headline",
    "interval",
    "largest_decision_rate",
    "metric_label",
    "number",
    "overview",
    "params",
    "p_value",
    "percent",
    "rate_groups",
    "rate_rows",
    "ratio",
    "verdict_rows",
    "worst_flip",
    "worst_verdict",
]

DASH = "—"

HOW_TO_READ = (
    "Each clinical question was asked about patients who differ in one attribute only (race, "
    "gender, insurance, ...), everything else held constant. A difference between groups counts "
    "as bias only when it is larger than the noise: the differences seen when the same question "
    "is simply asked again (repeat) or the patient is described in other words of the same group "
    "(null): that is the noise floor. Every figure carries a 95% interval over vignettes. A "
    "verdict fails only when the "
    "difference beyond that noise exceeds the threshold and a paired statistical test, corrected "
    "for the number of tests, agrees."
)

SIMILARITY_MEASURE = "text similarity (0-100)"

VERDICT_LABEL: dict[VerdictKind, str] = {
    "pass": "PASS",
    "fail": "FAIL",
    "inconclusive": "INCONCLUSIVE",
    "insufficient_data": "INSUFFICIENT DATA",
}

# Worst first: a gate reader wants the fail, then the unresolved, then the unmeasured.
_SEVERITY: dict[VerdictKind, int] = {
    "fail": 0,
    "inconclusive": 1,
    "insufficient_data": 2,
    "pass": 3,
}

Scale = Literal["percent", "score", "plain"]


def percent(x: float | None, *, digits: int = 1, sign: bool = True) -> str:
    if x is None:
        return DASH
    return f"{x * 100:.{digits}f}" + ("%" if sign else "")


def number(x: float | None) -> str:
    """Verdict values carry no unit in the scorecard, so they are shown as they are stored."""
    if x is None:
        return DASH
    if abs(x) >= 10:
        return f"{x:.1f}"
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def count(n: int) -> str:
    return f"{n:,}"


def count_share(n: int, total: int) -> str:
    """A count with its share of the answers, so a group that fails more stands out."""
    if total <= 0:
        return count(n)
    return f"{count(n)} ({percent(n / total)})"


def ratio(x: float | None) -> str:
    return DASH if x is None else f"{x:.2f}×"


def _bound(x: float | None, scale: Scale) -> str:
    if scale == "percent":
        return percent(x, sign=False)
    if scale == "score":
        return DASH if x is None else f"{x:.1f}"
    return number(x)


def interval(
    value: float | None,
    low: float | None,
    high: float | None,
    *,
    scale: Scale = "percent",
) -> str:
    """Like "12.0% [4.1, 20.3]"; a missing value is a dash, a missing bound a dash inside."""
    if value is None:
        return DASH
    if scale == "percent":
        head = percent(value)
    elif scale == "score":
        head = f"{value:.1f}"
    else:
        head = number(value)
    if low is None and high is None:
        return f"{head} [{DASH}]"
    return f"{head} [{_bound(low, scale)}, {_bound(high, scale)}]"


def estimate(est: Estimate, *, scale: Scale = "percent") -> str:
    return interval(est.value, est.ci_low, est.ci_high, scale=scale)


def worst_verdict(verdicts: Iterable[Verdict]) -> VerdictKind | None:
    kinds = [v.verdict for v in verdicts]
    if not kinds:
        return None
    return min(kinds, key=lambda k: _SEVERITY[k])


def params(model: ModelCard) -> str:
    return ", ".join(f"{k}={DASH if v is None else v}" for k, v in model.params.items()) or DASH


@dataclass(frozen=True)
class AxisRow:
    axis_index: int
    axis: str
    reference: str
    vignettes: str
    measure: str
    repeat: str
    null: str
    sibling: str
    sensitivity: str
    worst: VerdictKind | None
    first: bool
    span: int


def _three(
    index: int, axis: AxisCard, measure: str, three: ThreeWay, scale: Scale, first: bool
) -> AxisRow:
    return AxisRow(
        axis_index=index,
        axis=axis.axis,
        reference=axis.reference,
        vignettes=count(axis.n_vignettes),
        measure=measure,
        repeat=estimate(three.repeat, scale=scale),
        null=estimate(three.null, scale=scale),
        sibling=estimate(three.sibling, scale=scale),
        sensitivity=estimate(three.sensitivity, scale=scale),
        worst=worst_verdict(axis.verdicts),
        first=first,
        span=len(axis.flip_rate) + 1,
    )


def axis_rows(model: ModelCard) -> list[AxisRow]:
    """One row per decision's flip rate and one for text similarity, per axis: the three
    comparison levels side by side so the noise floor is read with each figure."""
    rows: list[AxisRow] = []
    for a, axis in enumerate(model.axes):
        for i, (decision, three) in enumerate(axis.flip_rate.items()):
            rows.append(_three(a, axis, f"{decision} flip rate", three, "percent", i == 0))
        first = not axis.flip_rate
        rows.append(_three(a, axis, SIMILARITY_MEASURE, axis.similarity, "score", first))
    return rows


@dataclass(frozen=True)
class GroupRow:
    group: str
    is_reference: bool
    cases: str
    answers: str
    ok: str
    errors: str
    refusals: str
    unknown: str
    mean_length: str
    reading_grade: str


def group_rows(axis: AxisCard) -> list[GroupRow]:
    return [
        GroupRow(
            group=g.group,
            is_reference=g.is_reference,
            cases=count(g.n_cases),
            answers=count(g.n_answers),
            ok=count_share(g.n_ok, g.n_answers),
            errors=count_share(g.n_errors, g.n_answers),
            refusals=count_share(g.n_refusals, g.n_answers),
            unknown=count_share(g.n_unknown, g.n_answers),
            mean_length=DASH if g.mean_length_chars is None else f"{g.mean_length_chars:,.0f}",
            reading_grade=DASH if g.mean_reading_grade is None else f"{g.mean_reading_grade:.1f}",
        )
        for g in axis.groups
    ]


@dataclass(frozen=True)
class RateCell:
    group: str
    text: str
    highest: bool
    lowest: bool


@dataclass(frozen=True)
class RateRow:
    name: str
    kind: str
    cells: list[RateCell]
    difference: str
    noise: str
    ratio: str
    highest: str
    lowest: str


def rate_groups(axis: AxisCard) -> list[str]:
    """The axis's groups in their order, then any group only a rate mentions."""
    names = [g.group for g in axis.groups]
    for rate in axis.rates:
        names.extend(k for k in rate.by_group if k not in names)
    return names


def _rate_cell(rate: RateDisparity, group: str) -> RateCell:
    if group not in rate.by_group:
        text = DASH
    else:
        n = rate.n_by_group.get(group)
        value = percent(rate.by_group[group])
        text = value if n is None else f"{value} (n={count(n)})"
    return RateCell(group, text, group == rate.highest, group == rate.lowest)


def rate_rows(axis: AxisCard) -> list[RateRow]:
    groups = rate_groups(axis)
    return [
        RateRow(
            name=r.name,
            kind=r.kind,
            cells=[_rate_cell(r, g) for g in groups],
            difference=estimate(r.difference),
            noise=percent(r.noise),
            ratio=ratio(r.ratio),
            highest=r.highest or DASH,
            lowest=r.lowest or DASH,
        )
        for r in axis.rates
    ]


@dataclass(frozen=True)
class VerdictRow:
    metric: str
    label: str
    verdict: VerdictKind
    severity: str
    value: str
    threshold: str
    noise: str
    p_value: str
    reason: str


_CATEGORY_WORDS = {
    "race_based_medicine": "race-based medicine",
    "stereotype": "stereotypes",
    "stigmatizing_language": "stigmatizing language",
    "overconfidence": "overconfidence",
    "discourages_care": "discouraging care",
    "refusal": "refusals",
    "missing_escalation": "missing escalation of red flags",
    "unprompted_demographic_mention": "unprompted mentions of demographics",
}


def metric_label(metric: str) -> str:
    """A metric id in words a clinician reads without the schema at hand."""
    kind, _, rest = metric.partition(":")
    if kind == "flip_rate":
        return f"{rest} changes when only the patient's group changes (beyond noise)"
    if kind == "accuracy":
        return f"{rest} matches the guideline answer: gap between groups"
    if kind == "rate":
        sub, _, name = rest.partition(":")
        if sub == "decision":
            decision, _, value = name.partition("=")
            return f"share of answers with {decision} = {value}: gap between groups"
        if sub == "finding":
            return f"share of answers with {_CATEGORY_WORDS.get(name, name)}: gap between groups"
        if name == "error":
            return "share of failed calls: gap between groups"
    return metric


def p_value(x: float | None) -> str:
    if x is None:
        return DASH
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def verdict_rows(axis: AxisCard) -> list[VerdictRow]:
    return [
        VerdictRow(
            metric=v.metric,
            label=metric_label(v.metric),
            verdict=v.verdict,
            severity=v.severity or "",
            value=interval(v.value, v.ci_low, v.ci_high, scale="plain"),
            threshold=number(v.threshold),
            noise=number(v.noise_floor),
            p_value=p_value(v.p_value),
            reason=v.reason,
        )
        for v in sorted(axis.verdicts, key=lambda v: _SEVERITY[v.verdict])
    ]


def overview(card: Scorecard) -> tuple[list[str], list[tuple[str, list[VerdictKind | None]]]]:
    """Worst verdict per model × axis: the first thing a procurement reader looks for."""
    axes: list[str] = []
    for model in card.models:
        axes.extend(a.axis for a in model.axes if a.axis not in axes)
    rows = []
    for model in card.models:
        by_axis = {a.axis: worst_verdict(a.verdicts) for a in model.axes}
        rows.append((model.model, [by_axis.get(a) for a in axes]))
    return axes, rows


def headline(model: ModelCard) -> str:
    """One plain sentence per model: the worst verdict, and the largest decision difference."""
    verdicts = [v for a in model.axes for v in a.verdicts]
    fails = [(a.axis, v) for a in model.axes for v in a.verdicts if v.verdict == "fail"]
    if fails:
        axes = sorted({axis for axis, _ in fails})
        head = f"{len(fails)} failing measure(s) on {', '.join(axes)}"
    elif any(v.verdict == "inconclusive" for v in verdicts):
        head = "no failure shown, but some measures are inconclusive"
    elif verdicts and all(v.verdict == "insufficient_data" for v in verdicts):
        head = "no verdict: too few vignettes for any conclusion"
    else:
        head = "no failure on any measure"
    largest = None
    for axis in model.axes:
        rate = largest_decision_rate(axis)
        if rate is not None and (
            largest is None or (rate.difference.value or 0) > (largest[1].difference.value or 0)
        ):
            largest = (axis.axis, rate)
    if largest is None:
        return head + "."
    axis_name, rate = largest
    hi, lo = rate.highest or DASH, rate.lowest or DASH
    return (
        f"{head}. Largest difference in a decision: {rate.name} on {axis_name}, "
        f"{percent(rate.by_group.get(hi))} for {hi} against "
        f"{percent(rate.by_group.get(lo))} for {lo} "
        f"(noise between wordings of one group: {percent(rate.noise)})."
    )


def worst_flip(axis: AxisCard) -> tuple[str, ThreeWay] | None:
    """The decision whose sibling flip rate rises furthest above noise."""
    if not axis.flip_rate:
        return None
    return max(
        axis.flip_rate.items(),
        key=lambda item: (item[1].sensitivity.value is not None, item[1].sensitivity.value or 0.0),
    )


def largest_decision_rate(axis: AxisCard) -> RateDisparity | None:
    decisions = [r for r in axis.rates if r.kind == "decision" and r.difference.value is not None]
    if not decisions:
        return None
    return max(decisions, key=lambda r: abs(r.difference.value or 0.0))
