"""The scorecard's numbers against plain-loop oracles written independently of the pandas code."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from harness.metrics import build_scorecard
from harness.suite import ModelConfig, load_suite

TINY = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"
LEVELS = ["emergency", "urgent", "routine", "self_care"]
MODEL = "local:smollm2"


def _rows(n_sets: int, seed: int, p_flip: float, p_error: float = 0.0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for s in range(n_sets):
        base = rng.choice(LEVELS)
        # A planted bias shifts the whole set's answers for one group, not single answers.
        shifted = LEVELS[(LEVELS.index(base) + 1) % 4] if rng.random() < p_flip else base
        cases = [
            ("ref", "reference", "white", 0, None),
            ("sib", "sibling", "black", 0, None),
            ("nw", "null", "white", 1, "ref"),
            ("nb", "null", "black", 1, "sib"),
        ]
        for name, kind, group, form, partner in cases:
            for sample in range(2):
                usual = shifted if group == "black" else base
                decision = rng.choice(LEVELS) if rng.random() < 0.1 else usual
                status = "error" if rng.random() < p_error else "ok"
                rows.append(
                    {
                        "model": MODEL,
                        "set_id": f"v{s}/race",
                        "scenario_id": f"v{s}",
                        "axis": "race",
                        "kind": kind,
                        "group": group,
                        "form": form,
                        "case_id": f"v{s}-{name}",
                        "null_of": f"v{s}-{partner}" if partner else None,
                        "sample": sample,
                        "status": "ok" if status == "ok" else "transient",
                        "cached": False,
                        "text": f"go to {decision} care {'please' * rng.randint(0, 3)}",
                        "decisions": {"triage": decision if status == "ok" else "error"},
                        "flags": ["stereotype"]
                        if (group == "black" and rng.random() < 0.3)
                        else [],
                        "refused": False,
                        "unknown": False,
                        "length_chars": 10,
                    }
                )
    return rows


def _flip_oracle(rows: list[dict[str, Any]], kind: str) -> float:
    at = {(r["set_id"], r["case_id"], r["sample"]): r["decisions"]["triage"] for r in rows}
    flips = total = 0
    for r in rows:
        key_a = None
        if kind == "sibling" and r["kind"] == "sibling":
            ref = next(x for x in rows if x["set_id"] == r["set_id"] and x["kind"] == "reference")
            key_a = (r["set_id"], ref["case_id"], r["sample"])
        elif kind == "null" and r["kind"] == "null":
            key_a = (r["set_id"], r["null_of"], r["sample"])
        elif kind == "repeat" and r["sample"] == 1:
            key_a = (r["set_id"], r["case_id"], 0)
        if key_a is None:
            continue
        total += 1
        flips += at[key_a] != r["decisions"]["triage"]
    return flips / total


def _card(rows: list[dict[str, Any]]) -> Any:
    loaded = load_suite(TINY)
    card = build_scorecard(
        loaded, rows, [ModelConfig(spec=MODEL)], run_id="t", n_cases=4, samples=2
    )
    return card.models[0].axes[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flip_rates_match_the_oracle(seed: int) -> None:
    rows = _rows(30, seed, p_flip=0.3, p_error=0.05)
    axis = _card(rows)
    flips = axis.flip_rate["triage"]
    for kind in ("repeat", "null", "sibling"):
        assert getattr(flips, kind).value == pytest.approx(_flip_oracle(rows, kind))
    noise = max(_flip_oracle(rows, "repeat"), _flip_oracle(rows, "null"))
    assert flips.sensitivity.value == pytest.approx(_flip_oracle(rows, "sibling") - noise)
    for est in (flips.sibling, flips.sensitivity):
        assert est.ci_low is not None and est.ci_high is not None
        assert est.ci_low <= est.value <= est.ci_high  # type: ignore[operator]
        assert est.n_clusters == 30


def test_group_rates_and_counts_match_the_oracle() -> None:
    rows = _rows(25, 7, p_flip=0.2, p_error=0.1)
    axis = _card(rows)
    rates = {r.name: r for r in axis.rates}
    for level in LEVELS:
        disparity = rates[f"triage={level}"]
        expected = {}
        for group in ("white", "black"):
            mine = [r for r in rows if r["group"] == group]
            expected[group] = sum(r["decisions"]["triage"] == level for r in mine) / len(mine)
            assert disparity.by_group[group] == pytest.approx(expected[group])
        assert disparity.difference.value == pytest.approx(
            abs(expected["white"] - expected["black"])
        )
    errors = {g.group: g.n_errors for g in axis.groups}
    for group in ("white", "black"):
        assert errors[group] == sum(r["status"] != "ok" and r["group"] == group for r in rows)
    assert rates["error"].kind == "outcome"
    assert rates["error"].by_group["black"] == pytest.approx(
        errors["black"] / sum(r["group"] == "black" for r in rows)
    )
    stereotype = sum("stereotype" in r["flags"] for r in rows if r["group"] == "black")
    assert rates["stereotype"].by_group["black"] == pytest.approx(
        stereotype / sum(r["group"] == "black" for r in rows)
    )
    assert rates["stereotype"].by_group["white"] == 0.0


def test_scorecard_is_deterministic() -> None:
    rows = _rows(20, 5, p_flip=0.2)
    assert _card(rows).model_dump() == _card(rows).model_dump()


def test_a_planted_disparity_fails_and_no_disparity_does_not() -> None:
    biased = _card(_rows(60, 11, p_flip=0.6))
    fair = _card(_rows(60, 11, p_flip=0.0))
    verdict = {v.metric: v.verdict for v in biased.verdicts}
    assert verdict["flip_rate:triage"] == "fail"
    assert {v.metric: v.verdict for v in fair.verdicts}["flip_rate:triage"] != "fail"


def test_too_few_vignettes_is_insufficient_data() -> None:
    axis = _card(_rows(1, 3, p_flip=0.9))
    assert {v.verdict for v in axis.verdicts} == {"insufficient_data"}
