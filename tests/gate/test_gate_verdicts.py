"""The verdict gate on hand-built scorecards: which verdicts fail, --fail-on, and re-judging
with a thresholds file."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_cards import make_card, make_verdict

from harness.errors import InputError
from harness.gate import describe_verdict, gate_scorecard, load_thresholds
from harness.gate.thresholds import BAD_PATTERN, BAD_VALUE, GateThresholds


def _card() -> object:
    return make_card(
        {
            ("sim:a", "race"): [
                make_verdict("flip_rate:triage", "fail", 0.30, 0.20, 0.40),
                make_verdict("rate:decision:triage=urgent", "pass", 0.02, 0.0, 0.05),
                make_verdict("rate:finding:refusal", "inconclusive", 0.08, 0.01, 0.15),
            ],
            ("sim:a", "gender"): [
                make_verdict("flip_rate:triage", "insufficient_data", None, None, None),
            ],
        }
    )


def test_only_fail_fails_by_default() -> None:
    result = gate_scorecard(_card())  # type: ignore[arg-type]
    assert [j.id for j in result.failures] == ["sim:a::race::flip_rate:triage"]
    assert len(result.judged) == 4 and not result.passed


def test_fail_on_adds_inconclusive_and_insufficient_data() -> None:
    card = _card()
    ids = {
        j.id
        for j in gate_scorecard(card, fail_on=["inconclusive", "insufficient_data"]).failures  # type: ignore[arg-type]
    }
    assert ids == {
        "sim:a::race::flip_rate:triage",
        "sim:a::race::rate:finding:refusal",
        "sim:a::gender::flip_rate:triage",
    }


def test_a_passing_scorecard_passes() -> None:
    card = make_card({("m", "race"): [make_verdict("flip_rate:triage", "pass", 0.0, 0.0, 0.02)]})
    assert gate_scorecard(card).passed


def test_failure_line_names_metric_value_interval_threshold_and_reason() -> None:
    failure = gate_scorecard(_card()).failures[0]  # type: ignore[arg-type]
    line = describe_verdict(failure)
    assert "\n" not in line
    assert line.startswith("sim:a::race::flip_rate:triage FAIL:")
    for part in ("value 0.300 [0.200, 0.400]", "threshold 0.1", "stored fail"):
        assert part in line


def test_thresholds_rejudge_with_the_stored_measures() -> None:
    card = make_card(
        {
            ("m", "race"): [
                # under a 0.10 threshold it passes; over 0.02 it is a significant fail
                make_verdict("rate:decision:triage=urgent", "pass", 0.05, 0.03, 0.08, noise=0.0),
                # a stricter limit, but the paired test is not significant: inconclusive
                make_verdict("rate:finding:refusal", "pass", 0.05, 0.03, 0.08, p_value=0.4),
                # untouched by the patterns: keeps its stored verdict
                make_verdict("flip_rate:triage", "pass", 0.05, 0.03, 0.08),
            ]
        }
    )
    thresholds = GateThresholds(metrics={"rate:*": 0.2, "race::rate:*": 0.02})
    result = gate_scorecard(card, thresholds=thresholds)
    by_metric = {j.verdict.metric: j for j in result.judged}
    urgent = by_metric["rate:decision:triage=urgent"]
    assert urgent.rejudged and urgent.verdict.verdict == "fail"
    assert urgent.verdict.threshold == 0.02 and urgent.verdict.severity == "high"  # 2.5x
    assert by_metric["rate:finding:refusal"].verdict.verdict == "inconclusive"
    assert not by_metric["flip_rate:triage"].rejudged
    assert [j.verdict.metric for j in result.failures] == ["rate:decision:triage=urgent"]


def test_rejudging_subtracts_the_noise_floor_from_rates_only() -> None:
    card = make_card(
        {
            ("m", "race"): [
                make_verdict("rate:decision:triage=urgent", "fail", 0.30, 0.25, 0.35, noise=0.28),
                make_verdict("flip_rate:triage", "fail", 0.30, 0.25, 0.35, noise=0.28),
            ]
        }
    )
    result = gate_scorecard(card, thresholds=GateThresholds(metrics={"*": 0.2}))
    verdicts = {j.verdict.metric: j.verdict.verdict for j in result.judged}
    # rate: [0.25, 0.35] - 0.28 lies below 0.2; flip sensitivity already has noise taken off
    assert verdicts == {"rate:decision:triage=urgent": "pass", "flip_rate:triage": "fail"}


def test_min_vignettes_from_the_thresholds_file() -> None:
    card = make_card({("m", "race"): [make_verdict("flip_rate:triage", "fail", 0.3, 0.2, 0.4)]})
    result = gate_scorecard(card, thresholds=GateThresholds(min_vignettes=10))
    assert result.judged[0].verdict.verdict == "insufficient_data" and result.passed


def test_most_specific_pattern_wins() -> None:
    t = GateThresholds(
        metrics={
            "*": 0.5,
            "flip_rate:*": 0.4,
            "flip_rate:triage": 0.3,
            "race::flip_rate:*": 0.2,
            "sim:a::race::flip_rate:triage": 0.1,
        }
    )
    assert t.threshold_for("sim:a", "race", "flip_rate:triage") == 0.1
    assert t.threshold_for("sim:b", "race", "flip_rate:triage") == 0.2
    assert t.threshold_for("sim:b", "gender", "flip_rate:triage") == 0.3
    assert t.threshold_for("sim:b", "gender", "flip_rate:analgesic") == 0.4
    assert t.threshold_for("sim:b", "gender", "rate:outcome:error") == 0.5
    assert GateThresholds().threshold_for("m", "race", "flip_rate:triage") is None


def test_thresholds_file_is_read_strictly(tmp_path: Path) -> None:
    good = tmp_path / "gate.yaml"
    good.write_text('metrics:\n  "flip_rate:*": 0.05\nalpha: 0.01\n')
    assert load_thresholds(good) == GateThresholds(metrics={"flip_rate:*": 0.05}, alpha=0.01)
    cases = {
        "metrics:\n  flip_rate: 0.05\nlimit: 3\n": ("limit", "unknown key"),
        "metrics:\n  flip_rate: 1.5\n": ("metrics.flip_rate", BAD_VALUE),
        "metrics:\n  'a::b::c::d': 0.1\n": ("metrics.a::b::c::d", BAD_PATTERN),
        "metrics:\n  flip_rate: 0.1\n  flip_rate: 0.2\n": ("line 3", "duplicate key"),
    }
    for text, (field, reason) in cases.items():
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(InputError) as info:
            load_thresholds(bad)
        assert field in info.value.field and reason in info.value.reason, text
