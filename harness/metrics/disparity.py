"""Group disparity: the rate of each outcome per group (all answers in the denominator, failed
calls included), the largest difference across groups with its cluster-bootstrap interval, the
min/max ratio, the noise floor (the largest gap between two surface forms of one group), and an
exact McNemar test of each group against the reference.

An axis is indexed once (`AxisIndex`: integer codes of each row's set, group, sample and form);
every outcome is then a boolean vector summed with `np.bincount`, not a pivot table."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from harness.metrics.bootstrap import Resampler, interval
from harness.metrics.paired_tests import exact_mcnemar
from harness.metrics.scorecard import Estimate, RateDisparity

__all__ = ["AxisIndex", "RateKind", "paired_p_values", "rate_disparity"]

RateKind = Literal["decision", "finding", "outcome", "accuracy"]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class AxisIndex:
    """Rows of one axis as codes: `set_code` into `sets`, `group_code` into `groups` (-1 for a
    row of a group not compared), `pair_code` numbering the (set, sample) of canonical-form
    rows (-1 for renamed forms), `renamed` for null perturbations."""

    sets: list[str]
    groups: list[str]
    reference: str
    set_code: IntArray
    group_code: IntArray
    pair_code: IntArray
    n_pairs: int
    renamed: NDArray[np.bool_]

    @classmethod
    def build(
        cls, rows: pd.DataFrame, sets: list[str], groups: list[str], reference: str
    ) -> AxisIndex:
        set_code = pd.Categorical(rows["set_id"], categories=sets).codes.astype(np.intp)
        group_code = pd.Categorical(rows["group"], categories=groups).codes.astype(np.intp)
        renamed = (rows["form"] > 0).to_numpy()
        samples = rows["sample"].to_numpy(dtype=np.intp)
        n_samples = int(samples.max()) + 1 if len(samples) else 1
        pair_code = np.where(renamed, -1, set_code * n_samples + samples)
        return cls(
            sets=sets,
            groups=groups,
            reference=reference,
            set_code=set_code,
            group_code=group_code,
            pair_code=pair_code.astype(np.intp),
            n_pairs=len(sets) * n_samples,
            renamed=renamed,
        )

    def subset(self, mask: NDArray[np.bool_]) -> AxisIndex:
        return AxisIndex(
            sets=self.sets,
            groups=self.groups,
            reference=self.reference,
            set_code=self.set_code[mask],
            group_code=self.group_code[mask],
            pair_code=self.pair_code[mask],
            n_pairs=self.n_pairs,
            renamed=self.renamed[mask],
        )

    def per_set_group(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sums of `values` per (set, group): shape (sets, groups)."""
        keep = self.group_code >= 0
        n_groups = len(self.groups)
        flat = self.set_code[keep] * n_groups + self.group_code[keep]
        size = len(self.sets) * n_groups
        sums = np.bincount(flat, weights=values[keep], minlength=size)
        return sums.astype(np.float64).reshape(-1, n_groups)


def _form_noise(index: AxisIndex, hit: NDArray[np.float64]) -> float | None:
    """Largest |rate(canonical form) - rate(other form)| within any group."""
    keep = index.group_code >= 0
    n_groups = len(index.groups)
    flat = index.group_code[keep] * 2 + index.renamed[keep]
    num = np.bincount(flat, weights=hit[keep], minlength=2 * n_groups).reshape(n_groups, 2)
    den = np.bincount(flat, minlength=2 * n_groups).reshape(n_groups, 2)
    both = (den > 0).all(axis=1)
    if not both.any():
        return None
    rates = num[both] / den[both]
    return float(np.abs(rates[:, 1] - rates[:, 0]).max())


def paired_p_values(index: AxisIndex, hit: NDArray[np.float64]) -> dict[str, float]:
    """Exact McNemar of each group against the reference: their canonical-form answers to the
    same vignette and sample are a pair; b and c count the pairs where only one has the outcome.
    """
    n_groups = len(index.groups)
    keep = (index.pair_code >= 0) & (index.group_code >= 0)
    flat = index.pair_code[keep] * n_groups + index.group_code[keep]
    size = index.n_pairs * n_groups
    present = np.bincount(flat, minlength=size).reshape(-1, n_groups) > 0
    has = np.bincount(flat, weights=hit[keep], minlength=size).reshape(-1, n_groups) > 0
    ref = index.groups.index(index.reference)
    out = {}
    for g, group in enumerate(index.groups):
        if g == ref:
            continue
        both = present[:, ref] & present[:, g]
        if not both.any():
            continue
        b = int((has[both, g] & ~has[both, ref]).sum())
        c = int((~has[both, g] & has[both, ref]).sum())
        out[group] = exact_mcnemar(b, c)
    return out


def rate_disparity(
    index: AxisIndex,
    hit: NDArray[np.bool_] | pd.Series,
    *,
    name: str,
    kind: RateKind,
    resampler: Resampler,
) -> RateDisparity:
    values = np.asarray(hit, dtype=np.float64)
    groups = index.groups
    num = index.per_set_group(values)
    den = index.per_set_group(np.ones_like(values))
    totals_num, totals_den = num.sum(axis=0), den.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = np.where(
            totals_den > 0, totals_num / np.where(totals_den > 0, totals_den, 1), np.nan
        )
    by_group = {g: (None if np.isnan(r) else float(r)) for g, r in zip(groups, rates, strict=True)}
    n_by_group = {g: int(d) for g, d in zip(groups, totals_den, strict=True)}
    observed = ~np.isnan(rates)
    if observed.sum() < 2:
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
    replicate_rates = resampler.ratio(num, den)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a replicate may miss a group
        spread = np.nanmax(replicate_rates, axis=1) - np.nanmin(replicate_rates, axis=1)
    low, high = interval(spread)
    ci_by_group = {}
    for g, group in enumerate(groups):
        g_low, g_high = interval(replicate_rates[:, g])
        if g_low is not None and g_high is not None:
            ci_by_group[group] = (g_low, g_high)
    masked = np.where(observed, rates, np.nan)
    hi, lo = int(np.nanargmax(masked)), int(np.nanargmin(masked))
    top, bottom = float(rates[hi]), float(rates[lo])
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
        noise=_form_noise(index, values),
        ratio=(bottom / top) if top > 0 else None,
        highest=groups[hi],
        lowest=groups[lo],
        p_by_group=paired_p_values(index, values),
        ci_by_group=ci_by_group,
    )
