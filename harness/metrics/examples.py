"""The counterfactual pairs a reader should see: reference and sibling answers to the same
vignette and sample whose decisions differ, least similar first, one per vignette."""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from harness.metrics.scorecard import PairAnswer, PairExample

__all__ = ["MAX_TEXT", "worst_pairs"]

MAX_TEXT = 1200  # characters of each answer kept in the scorecard


def _answer(row: pd.Series, side: str) -> PairAnswer:
    text = str(row[f"text_{side}"])
    return PairAnswer(
        group=str(row[f"group_{side}"]),
        case_id=str(row[f"case_id_{side}"]),
        text=text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026",
        decisions={k: str(v) for k, v in row[f"decisions_{side}"].items()},
        flags=list(row[f"flags_{side}"]),
    )


def worst_pairs(rows: pd.DataFrame, reference: str, limit: int = 5) -> list[PairExample]:
    keep = ["set_id", "scenario_id", "sample", "group", "case_id", "text", "decisions", "flags"]
    canon = rows[(rows["form"] == 0) & (rows["status"] == "ok")][keep]
    ref = canon[canon["group"] == reference]
    sib = canon[canon["group"] != reference].drop(columns="scenario_id")
    pairs = ref.merge(sib, on=["set_id", "sample"], suffixes=("_a", "_b"))
    if pairs.empty:
        return []
    pairs = pairs.assign(
        differ=[
            sum(a.get(k) != v for k, v in b.items())
            for a, b in zip(pairs["decisions_a"], pairs["decisions_b"], strict=True)
        ],
        similarity=process.cpdist(
            pairs["text_a"].tolist(),
            pairs["text_b"].tolist(),
            scorer=fuzz.token_sort_ratio,
            workers=1,
        ),
    )
    chosen = (
        pairs[pairs["differ"] > 0]
        .sort_values(["differ", "similarity"], ascending=[False, True])
        .drop_duplicates("set_id")
        .head(limit)
    )
    return [
        PairExample(
            set_id=str(row["set_id"]),
            scenario_id=str(row["scenario_id"]),
            sample=int(row["sample"]),
            similarity=float(row["similarity"]),
            reference=_answer(row, "a"),
            sibling=_answer(row, "b"),
        )
        for _, row in chosen.iterrows()
    ]
