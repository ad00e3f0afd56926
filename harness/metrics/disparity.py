"""Group disparity: the rate of each outcome per group (all answers in the denominator, failed
calls included), the largest difference across groups with its cluster-bootstrap interval, the
min/max ratio, and the noise floor: the largest gap between two surface forms of one group."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from harness.metrics.bootstrap import Resampler, interval
from harness.metrics.paired_tests import exact_mcnemar
from harness.metrics.scorecard import Estimate, RateDisparity

__all__ = ["paired_p_values", "rate_disparity"]

Indicator = Callable[[pd.DataFrame], "pd.Series[bool]"]


def _form_noise(rows: pd.DataFrame, hit: pd.Series) -> float | None:
    """Largest |rate(canonical form) - rate(other form)| within any group."""
    frame = pd.DataFrame({"group": rows["group"], "renamed": rows["form"] > 0, "hit": hit})
    rates = frame.groupby(["group", "renamed"])["hit"].mean().unstack()
    if True not in rates.columns or False not in rates.columns:
        return None
    gaps = (rates[True] - rates[False]).abs().dropna()
    return float(gaps.max()) if len(gaps) else None


def paired_p_values(
    rows: pd.DataFrame, hit: pd.Series, groups: list[str], reference: str
) -> dict[str, float]:
    """Exact McNemar of each group against the reference: their canonical-form answers to the
    same vignette and sample are a pair; b and c count the pairs where only one has the outcome."""
    frame = pd.DataFrame(
        {
            "set_id": rows["set_id"],
            "sample": rows["sample"],
            "group": rows["group"],
            "hit": hit.astype(bool),
        }
    )[rows["form"] == 0]
    wide = frame.pivot_table(
        index=["set_id", "sample"], columns="group", values="hit", aggfunc="max"
    )
    if reference not in wide.columns:
        return {}
    out = {}
    for group in groups:
        if group == reference or group not in wide.columns:
            continue
        both = wide[[reference, group]].dropna().astype(bool)
        if both.empty:
            continue
        b = int((both[group] & ~both[reference]).sum())
        c = int((~both[group] & both[reference]).sum())
        out[group] = exact_mcnemar(b, c)
    return out


def rate_disparity(
    rows: pd.DataFrame,
    hit: pd.Series,
    *,
    name: str,
    kind: Literal["decision", "finding", "outcome", "accuracy"],
    groups: list[str],
    sets: list[str],
    resampler: Resampler,
    reference: str | None = None,
) -> RateDisparity:
    frame = pd.DataFrame(
        {"set_id": rows["set_id"], "group": rows["group"], "hit": hit.astype(float)}
    )
    num = frame.pivot_table(index="set_id", columns="group", values="hit", aggfunc="sum")
    den = frame.pivot_table(index="set_id", columns="group", values="hit", aggfunc="count")
    num = num.reindex(index=sets, columns=groups, fill_value=0).fillna(0)
    den = den.reindex(index=sets, columns=groups, fill_value=0).fillna(0)
    totals_num, totals_den = num.sum(), den.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = (totals_num / totals_den.where(totals_den > 0)).astype(float)
    observed = rates.dropna()
    by_group = {g: (None if np.isnan(rates[g]) else float(rates[g])) for g in groups}
    n_by_group = {g: int(totals_den[g]) for g in groups}
    if len(observed) < 2:
        return RateDisparity(
            name=name,
            kind=kind,
            by_group=by_group,
            n_by_group=n_by_group,
            difference=Estimate(value=None),
            ratio=None,
            highest=None,
            lowest=None,
        )
    replicate_rates = resampler.ratio(num.to_numpy(float), den.to_numpy(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a replicate may miss a group
        spread = np.nanmax(replicate_rates, axis=1) - np.nanmin(replicate_rates, axis=1)
    low, high = interval(spread)
    hi_group, lo_group = str(observed.idxmax()), str(observed.idxmin())
    top, bottom = float(observed.max()), float(observed.min())
    return RateDisparity(
        name=name,
        kind=kind,
        by_group=by_group,
        n_by_group=n_by_group,
        difference=Estimate(
            value=top - bottom,
            ci_low=low,
            ci_high=high,
            n=int(totals_den.sum()),
            n_clusters=int((den.sum(axis=1) > 0).sum()),
        ),
        noise=_form_noise(rows, hit),
        ratio=(bottom / top) if top > 0 else None,
        highest=hi_group,
        lowest=lo_group,
        p_by_group={} if reference is None else paired_p_values(rows, hit, groups, reference),
    )
