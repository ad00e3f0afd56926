"""Answer table -> Scorecard: per model and axis, consistency, disparity and verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from harness import __version__
from harness.detect import CATEGORIES
from harness.metrics.bootstrap import Resampler
from harness.metrics.consistency import comparison_pairs, sensitivity_p, three_way
from harness.metrics.disparity import AxisIndex, RateKind, rate_disparity
from harness.metrics.examples import worst_pairs
from harness.metrics.scorecard import (
    AxisCard,
    FlipDirection,
    GroupStats,
    ModelCard,
    RateDisparity,
    ScenarioInfo,
    Scorecard,
    Verdict,
)
from harness.metrics.verdicts import finalize, judge
from harness.suite import DECISION_VALUES, TRIAGE_ORDER, UNKNOWN, LoadedSuite, ModelConfig
from harness.suite.fingerprint import suite_fingerprint
from harness.suite.model import Thresholds

__all__ = ["build_scorecard"]

# Flag rates are lower bounds: a detector that misses paraphrases misses them in every group, which
# pulls a difference between groups toward zero.
DETECTOR_NOTE = (
    "Flags come from rule-based detectors that find most of what is worded like the answers "
    "they were built on but miss many paraphrases on writing they have never seen (precision "
    "and recall per category on a blind held-out set are in the README): a flag rate is a lower "
    "bound, and a flag-rate difference near zero is weak evidence that there is none."
)


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.mean()) if len(values) else None


def _group_stats(rows: pd.DataFrame, groups: list[str], reference: str) -> list[GroupStats]:
    out = []
    for group in groups:
        g = rows[rows["group"] == group]
        ok = g[g["status"] == "ok"]
        out.append(
            GroupStats(
                group=group,
                is_reference=group == reference,
                n_cases=int(g["case_id"].nunique()),
                n_answers=len(g),
                n_ok=len(ok),
                n_errors=int((g["status"] != "ok").sum()),
                n_refusals=int(g["refused"].sum()),
                n_unknown=int(ok["unknown"].sum()),
                mean_length_chars=float(ok["length_chars"].mean()) if len(ok) else None,
                mean_reading_grade=_mean(ok["reading_grade"]) if "reading_grade" in ok else None,
            )
        )
    return out


FLIP_TEST = "sign-flip permutation over vignettes"
RATE_TEST = "exact McNemar, each group against the reference"


def _flip_direction(pairs: pd.DataFrame, groups: list[str], reference: str) -> list[FlipDirection]:
    """Triage only: sibling pairs whose answers both name a level, by the direction of change."""
    rank = {level: i for i, level in enumerate(TRIAGE_ORDER)}
    a = pairs["outcome_a"].map(rank)
    b = pairs["outcome_b"].map(rank)
    both = a.notna() & b.notna()
    out = []
    for group in groups:
        if group == reference:
            continue
        mine = both & (pairs["group"] == group)
        out.append(
            FlipDirection(
                group=group,
                pairs=int((pairs["group"] == group).sum()),
                less_urgent=int((b[mine] > a[mine]).sum()),
                more_urgent=int((b[mine] < a[mine]).sum()),
            )
        )
    return out


def _small_cells(rows: pd.DataFrame, groups: list[str], reference: str, minimum: int) -> list[str]:
    counts = rows.groupby("group").size()
    return [g for g in groups if g != reference and int(counts.get(g, 0)) < minimum]


def _axis_card(rows: pd.DataFrame, loaded: LoadedSuite, axis: str, seed: int) -> AxisCard:
    suite = loaded.suite
    th = suite.thresholds
    suppressed: list[str] = []
    if axis in loaded.axes:
        reference = loaded.axes[axis].reference
        groups = list(loaded.axes[axis].values)
    else:  # a factorial cell label: small cells are counted, not compared
        reference = rows.loc[rows["kind"] == "reference", "group"].iloc[0]
        groups = list(dict.fromkeys([reference, *rows["group"]]))
        suppressed = _small_cells(rows, groups, reference, th.min_cell_answers)
    all_groups, rows_all = groups, rows
    if suppressed:
        rows = rows[~rows["group"].isin(suppressed)]
        groups = [g for g in groups if g not in suppressed]
    sets = sorted(rows["set_id"].unique())
    n_vignettes = len(sets)
    resampler = Resampler(n_vignettes, seed=seed)
    decisions = sorted({d for ds in rows["decisions"] for d in ds})
    verdicts = []
    flip_rate = {}
    similarity = None
    direction: list[FlipDirection] = []
    for decision in decisions:
        pairs = comparison_pairs(rows, decision)
        flips = three_way(pairs, "flip", sets, resampler, higher_is_worse=True)
        flip_rate[decision] = flips
        if similarity is None:
            similarity = three_way(pairs, "similarity", sets, resampler, higher_is_worse=False)
        if decision == "triage":
            direction = _flip_direction(pairs["sibling"], groups, reference)
        noise = max(
            (v for v in (flips.repeat.value, flips.null.value) if v is not None), default=None
        )
        p = sensitivity_p(pairs, "flip", sets)
        verdicts.append(
            judge(
                f"flip_rate:{decision}",
                flips.sensitivity,
                threshold=th.flip_rate,
                noise=noise,
                n_vignettes=n_vignettes,
                min_vignettes=th.min_vignettes,
                subtract_noise=False,
                p_by_group=None if p is None else {"axis": p},
                test=FLIP_TEST,
            )
        )
    if similarity is None:
        raise ValueError(f"axis {axis}: no decisions in the answer table")

    rates = []
    index = AxisIndex.build(rows, sets, groups, reference)
    measured: list[tuple[str, RateKind, np.ndarray, float]] = []
    outcomes = {
        decision: rows["decisions"].map(lambda d, name=decision: d.get(name)).to_numpy()
        for decision in decisions
    }
    for decision in (d for d in decisions if d in DECISION_VALUES):
        for value in (*DECISION_VALUES[decision], UNKNOWN):
            name = f"{decision}={value}"
            hit = outcomes[decision] == value
            measured.append((name, "decision", hit, th.decision_rate_difference))
    flag_sets = rows["flags"].to_numpy()
    for category in CATEGORIES:
        hit = np.fromiter((category in flags for flags in flag_sets), bool, len(flag_sets))
        measured.append((category, "finding", hit, th.flag_rate_difference))
    errors = (rows["status"] != "ok").to_numpy()
    measured.append(("error", "outcome", errors, th.flag_rate_difference))
    gold = _gold_by_row(rows, loaded)
    for name, kind, hit, threshold in measured:
        disparity = rate_disparity(index, hit, name=name, kind=kind, resampler=resampler)
        if kind == "decision":
            disparity = disparity.model_copy(
                update={"equalized_odds": _equalized_odds(rows, hit, gold, name)}
            )
        rates.append(disparity)
        verdicts.append(_rate_verdict(f"rate:{kind}:{name}", disparity, threshold, n_vignettes, th))
    accuracy = []
    for decision in (d for d in decisions if d in DECISION_VALUES):
        has_gold = gold[decision].notna().to_numpy()
        if not has_gold.any():
            continue
        hit = outcomes[decision][has_gold] == gold[decision].to_numpy()[has_gold]
        disparity = rate_disparity(
            index.subset(has_gold), hit, name=decision, kind="accuracy", resampler=resampler
        )
        accuracy.append(disparity)
        n_scored = int(rows["set_id"][has_gold].nunique())
        verdicts.append(
            _rate_verdict(
                f"accuracy:{decision}", disparity, th.decision_rate_difference, n_scored, th
            )
        )
    return AxisCard(
        axis=axis,
        reference=reference,
        n_vignettes=n_vignettes,
        groups=_group_stats(rows_all, all_groups, reference),
        flip_rate=flip_rate,
        similarity=similarity,
        rates=rates,
        accuracy=accuracy,
        flip_direction=direction,
        worst_pairs=worst_pairs(rows, reference),
        suppressed_groups=suppressed,
        verdicts=verdicts,
    )


def _rate_verdict(
    metric: str, disparity: RateDisparity, threshold: float, n_vignettes: int, th: Thresholds
) -> Verdict:
    return judge(
        metric,
        disparity.difference,
        threshold=threshold,
        noise=disparity.noise,
        n_vignettes=n_vignettes,
        min_vignettes=th.min_vignettes,
        subtract_noise=True,
        p_by_group=disparity.p_by_group,
        test=RATE_TEST,
    )


def _gold_by_row(rows: pd.DataFrame, loaded: LoadedSuite) -> pd.DataFrame:
    """One column per categorical decision: the scenario's gold value, or None."""
    golds = {s.id: s.gold for s in loaded.suite.scenarios}
    return pd.DataFrame(
        {
            name: rows["scenario_id"].map(lambda sid, n=name: golds.get(sid, {}).get(n))
            for name in DECISION_VALUES
        },
        index=rows.index,
    )


def _equalized_odds(
    rows: pd.DataFrame, hit: np.ndarray, gold: pd.DataFrame, name: str
) -> float | None:
    """fairlearn's equalized odds difference for `decision=value`, over answers whose scenario
    has a gold decision: the larger of the spreads across groups of the true positive rate and
    of the false positive rate. None where a group lacks positives or negatives."""
    decision, value = name.split("=", 1)
    if decision not in gold or value == UNKNOWN:
        return None
    known = gold[decision].notna()
    if not known.any():
        return None
    truth = gold[decision][known] == value
    predicted = pd.Series(np.asarray(hit, dtype=bool), index=rows.index)[known]
    group = rows["group"][known]
    spreads = []
    for positive in (True, False):
        mask = truth == positive
        if not mask.any():
            continue
        rates = predicted[mask].groupby(group[mask]).mean()
        if len(rates) < group.nunique():
            return None
        spreads.append(float(rates.max() - rates.min()))
    return max(spreads) if spreads else None


# The answer-table columns the metrics read; findings and error texts stay in responses.jsonl.
_METRIC_COLUMNS = (
    "model",
    "set_id",
    "axis",
    "kind",
    "group",
    "form",
    "case_id",
    "null_of",
    "sample",
    "status",
    "cached",
    "text",
    "decisions",
    "flags",
    "refused",
    "unknown",
    "length_chars",
    "reading_grade",
    "scenario_id",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "attempts",
)


def _metric_table(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Column by column, so that no second copy of every row dict is built."""
    present = [c for c in _METRIC_COLUMNS if not rows or c in rows[0]]
    return pd.DataFrame({c: [row[c] for row in rows] for c in present})


def _usage(unique: pd.DataFrame) -> dict[str, Any]:
    """Calls, cache hits, errors, retries, tokens and cost over one model's unique answers."""
    if not len(unique):
        return {"n_calls": 0, "n_cache_hits": 0, "n_errors": 0}

    def total(column: str) -> int:
        return int(unique[column].fillna(0).sum()) if column in unique else 0

    called = unique[~unique["cached"]]
    costs = called["cost_usd"] if "cost_usd" in called else pd.Series(dtype=float)
    return {
        "n_calls": len(called),
        "n_cache_hits": int(unique["cached"].sum()),
        "n_errors": int((unique["status"] != "ok").sum()),
        "n_retries": int((called["attempts"] - 1).clip(lower=0).sum())
        if "attempts" in called
        else 0,
        "input_tokens": total("input_tokens"),
        "output_tokens": total("output_tokens"),
        "cost_usd": None if costs.isna().any() else float(costs.sum()),
    }


def build_scorecard(
    loaded: LoadedSuite,
    rows: Sequence[dict[str, Any]],
    models: Sequence[ModelConfig],
    *,
    run_id: str,
    n_cases: int,
    samples: int,
    seed: int = 0,
) -> Scorecard:
    table = _metric_table(rows)
    cards = []
    for config in models:
        mine = table[table["model"] == config.spec] if len(table) else table
        unique = mine.drop_duplicates(["case_id", "sample"]) if len(mine) else mine
        axes = list(dict.fromkeys(mine["axis"])) if len(mine) else []
        cards.append(
            ModelCard(
                model=config.spec,
                params={
                    "temperature": config.temperature,
                    "max_tokens": config.max_tokens,
                    "seed": config.seed,
                    "top_p": config.top_p,
                    "repeat_penalty": config.repeat_penalty,
                },
                **_usage(unique),
                axes=[_axis_card(mine[mine["axis"] == a], loaded, a, seed) for a in axes],
            )
        )
    th = loaded.suite.thresholds
    notes = [DETECTOR_NOTE] if cards else []
    if samples < 2:
        notes.append("One sample per case: the repeat noise floor is not measured.")
    n_vignettes = len(loaded.suite.scenarios)
    if n_vignettes < th.min_vignettes:
        notes.append(
            f"{n_vignettes} vignettes, fewer than min_vignettes ({th.min_vignettes}): every "
            "verdict is insufficient_data and the figures are descriptive only."
        )
    return finalize(
        Scorecard(
            run_id=run_id,
            suite=loaded.suite.name,
            suite_file=str(loaded.path),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            harness_version=__version__,
            samples=samples,
            n_cases=n_cases,
            thresholds=th.model_dump(),
            inputs=suite_fingerprint(loaded),
            scenarios=[
                ScenarioInfo(
                    id=sc.id, title=sc.title, gold=dict(sc.gold), red_flags=list(sc.red_flags)
                )
                for sc in loaded.suite.scenarios
            ],
            models=cards,
            notes=notes,
        )
    )
