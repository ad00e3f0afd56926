"""Consistency across counterfactual siblings, beside the noise floor: pairs of answers of three
kinds (repeat, null, sibling), each reduced to per-set sums for the cluster bootstrap."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from harness.metrics.bootstrap import Resampler, interval
from harness.metrics.paired_tests import sign_flip_test
from harness.metrics.scorecard import Estimate, ThreeWay

__all__ = ["PairKind", "comparison_pairs", "sensitivity_p", "three_way"]

PairKind = Literal["repeat", "null", "sibling"]
_KEEP = ["set_id", "case_id", "sample", "group", "text", "status", "outcome"]


def comparison_pairs(rows: pd.DataFrame, decision: str) -> dict[PairKind, pd.DataFrame]:
    """Pairs (a, b) per kind: repeat = sample 0 against each later sample of the same case;
    null = a renamed case against its canonical form; sibling = each other group against the
    reference, sample for sample. Columns: set_id, group (of b), flip, similarity, outcome_a,
    outcome_b."""
    df = rows.assign(outcome=rows["decisions"].map(lambda d: d[decision]))[
        _KEEP + ["kind", "null_of"]
    ]
    first = df[df["sample"] == 0].drop_duplicates(["set_id", "case_id"])
    later = df[df["sample"] > 0]
    repeat = first[_KEEP].merge(later[_KEEP], on=["set_id", "case_id"], suffixes=("_a", "_b"))

    nulls = df[df["kind"] == "null"]
    canonical = df[df["kind"] != "null"]
    null = canonical[_KEEP].merge(
        nulls[_KEEP + ["null_of"]],
        left_on=["set_id", "case_id", "sample"],
        right_on=["set_id", "null_of", "sample"],
        suffixes=("_a", "_b"),
    )
    reference = df[df["kind"] == "reference"]
    siblings = df[df["kind"] == "sibling"]
    sibling = reference[_KEEP].merge(
        siblings[_KEEP], on=["set_id", "sample"], suffixes=("_a", "_b")
    )

    out: dict[PairKind, pd.DataFrame] = {}
    by_kind: dict[PairKind, pd.DataFrame] = {"repeat": repeat, "null": null, "sibling": sibling}
    for kind, pairs in by_kind.items():
        both_ok = (pairs["status_a"] == "ok") & (pairs["status_b"] == "ok")
        similarity = np.full(len(pairs), np.nan)
        if both_ok.any():
            similarity[both_ok.to_numpy()] = process.cpdist(
                pairs.loc[both_ok, "text_a"].tolist(),
                pairs.loc[both_ok, "text_b"].tolist(),
                scorer=fuzz.token_sort_ratio,
                workers=1,
            )
        out[kind] = pd.DataFrame(
            {
                "set_id": pairs["set_id"].to_numpy(),
                "group": pairs["group_b"].to_numpy(),
                "flip": (pairs["outcome_a"] != pairs["outcome_b"]).to_numpy(dtype=float),
                "similarity": similarity,
                "outcome_a": pairs["outcome_a"].to_numpy(),
                "outcome_b": pairs["outcome_b"].to_numpy(),
            }
        )
    return out


def _per_set(pairs: pd.DataFrame, column: str, sets: list[str]) -> tuple[np.ndarray, np.ndarray]:
    valid = pairs[pairs[column].notna()]
    grouped = valid.groupby("set_id")[column].agg(["sum", "count"]).reindex(sets, fill_value=0)
    return grouped["sum"].to_numpy(dtype=float), grouped["count"].to_numpy(dtype=float)


def three_way(
    pairs: dict[PairKind, pd.DataFrame],
    column: str,
    sets: list[str],
    resampler: Resampler,
    *,
    higher_is_worse: bool,
) -> ThreeWay:
    """sensitivity = sibling minus the larger noise figure for flips (higher is worse), and the
    smaller noise similarity minus the sibling similarity for text (lower is worse)."""
    point: dict[str, float] = {}
    reps: dict[str, np.ndarray] = {}
    est: dict[str, Estimate] = {}
    kinds: tuple[PairKind, ...] = ("repeat", "null", "sibling")
    for kind in kinds:
        num, den = _per_set(pairs[kind], column, sets)
        reps[kind] = resampler.ratio(num, den)
        value = float(num.sum() / den.sum()) if den.sum() > 0 else np.nan
        point[kind] = value
        low, high = interval(reps[kind])
        est[kind] = Estimate(
            value=None if np.isnan(value) else value,
            ci_low=low,
            ci_high=high,
            n=int(den.sum()),
            n_clusters=int((den > 0).sum()),
        )
    with np.errstate(invalid="ignore"):
        if higher_is_worse:
            noise_pt = np.fmax(point["repeat"], point["null"])
            noise_rep = np.fmax(reps["repeat"], reps["null"])
            sens_pt = point["sibling"] - np.nan_to_num(noise_pt, nan=0.0)
            sens_rep = reps["sibling"] - np.nan_to_num(noise_rep, nan=0.0)
        else:
            noise_pt = np.fmin(point["repeat"], point["null"])
            noise_rep = np.fmin(reps["repeat"], reps["null"])
            sens_pt = np.nan_to_num(noise_pt, nan=100.0) - point["sibling"]
            sens_rep = np.nan_to_num(noise_rep, nan=100.0) - reps["sibling"]
    low, high = interval(sens_rep)
    sensitivity = Estimate(
        value=None if np.isnan(sens_pt) else float(sens_pt),
        ci_low=low,
        ci_high=high,
        n=est["sibling"].n,
        n_clusters=est["sibling"].n_clusters,
    )
    return ThreeWay(
        repeat=est["repeat"], null=est["null"], sibling=est["sibling"], sensitivity=sensitivity
    )


def sensitivity_p(
    pairs: dict[PairKind, pd.DataFrame], column: str, sets: list[str]
) -> float | None:
    """Sign-flip permutation test over vignettes of (sibling mean - noise mean), the noise
    pooling the repeat and null pairs of the same vignette (0 where it has none). The vignette
    is the unit, as in the bootstrap; None when no vignette has sibling pairs."""
    sibling = pairs["sibling"].dropna(subset=[column]).groupby("set_id")[column].mean()
    noise_pairs = pd.concat([pairs["repeat"], pairs["null"]]).dropna(subset=[column])
    noise = noise_pairs.groupby("set_id")[column].mean()
    keep = [s for s in sets if s in sibling.index]
    if not keep:
        return None
    x = sibling.reindex(keep).to_numpy(dtype=float)
    y = noise.reindex(keep).fillna(0.0).to_numpy(dtype=float)
    return sign_flip_test(x, y, seed=0)  # scipy.stats would cost a second of import
