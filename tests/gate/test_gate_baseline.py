"""Baselines: the regression rule on written-out numbers, the file round trip, and the gate on
real runs of the simulated clinician: a planted bias fails, an unchanged rerun passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gate_cards import make_card, make_verdict

from harness.cli.baseline import command as baseline_command
from harness.cli.gate import command as gate_command
from harness.errors import InputError
from harness.gate import (
    BaselineEntry,
    baseline_from_scorecard,
    compare_to_baseline,
    load_baseline,
    regression_of,
    save_baseline,
)
from harness.pipeline import RunOptions, execute, prepare

CI = Path(__file__).parent / "data" / "ci" / "ci.yaml"
CLEAN = "sim:clinician?seed=1&noise=0.05"
PLANTED = f"{CLEAN}&axis=race&group=black&decision=triage&to=urgent&shift=0.5"


def _entry(metric: str, value: float | None, low: float, high: float) -> BaselineEntry:
    return BaselineEntry(
        model="m", axis="race", metric=metric, value=value, ci_low=low, ci_high=high
    )


@pytest.mark.parametrize(
    ("low", "high", "regressed"),
    [
        (0.30, 0.40, True),  # up 0.25, both intervals +-0.071: beyond 0.02
        (0.20, 0.24, True),  # up 0.12 +- 0.054
        (0.13, 0.30, False),  # up 0.115 +- 0.099: within the tolerance once both count
        (0.05, 0.40, False),  # a wider, higher interval that still holds the old value
        (0.00, 0.08, False),  # better
    ],
)
def test_higher_is_worse_needs_the_change_beyond_both_intervals(
    low: float, high: float, regressed: bool
) -> None:
    old = _entry("flip_rate:triage", 0.10, 0.05, 0.15)
    new = make_verdict("flip_rate:triage", "pass", (low + high) / 2, low, high)
    found = regression_of("m", "race", old, new, tolerance=0.02)
    assert (found is not None) is regressed
    if found is not None:
        assert found.kind == "worse" and "\n" not in found.describe()
        assert "baseline 0.100 [0.050, 0.150]" in found.reason
        assert f"[{low:.3f}, {high:.3f}]" in found.reason and "tolerance 0.02" in found.reason


def test_lower_is_worse_for_similarity() -> None:
    old = _entry("similarity", 0.90, 0.85, 0.95)
    worse = make_verdict("similarity", "pass", 0.70, 0.60, 0.80)
    better = make_verdict("similarity", "pass", 0.99, 0.97, 1.0)
    assert regression_of("m", "race", old, worse, tolerance=0.02) is not None
    assert regression_of("m", "race", old, better, tolerance=0.02) is None


def test_a_metric_the_new_run_lacks_is_a_regression() -> None:
    old = _entry("flip_rate:triage", 0.0, 0.0, 0.0)
    unmeasured = make_verdict("flip_rate:triage", "insufficient_data", None, None, None)
    found = regression_of("m", "race", old, unmeasured, tolerance=0.02)
    assert found is not None and found.kind == "missing"
    assert regression_of("m", "race", old, None, tolerance=0.02) is not None


def test_baseline_file_round_trip_and_bad_files(tmp_path: Path) -> None:
    card = make_card(
        {("sim:a", "race"): [make_verdict("flip_rate:triage", "pass", 0.01, 0.0, 0.03)]}
    )
    baseline = baseline_from_scorecard(card, tolerance=0.05)
    path = tmp_path / "x.baseline.json"
    save_baseline(baseline, path)
    assert load_baseline(path) == baseline
    assert json.loads(path.read_text())["entries"][0]["metric"] == "flip_rate:triage"
    path.write_text('{"schema_version": 1}')
    with pytest.raises(InputError, match="run_id"):
        load_baseline(path)
    with pytest.raises(InputError, match="baseline not found"):
        load_baseline(tmp_path / "none.json")


def test_one_model_baselines_pair_across_labels() -> None:
    old = make_card({("sim:a", "race"): [make_verdict("flip_rate:triage", "pass", 0, 0, 0)]})
    new = make_card(
        {
            ("replay:x.cassette.jsonl", "race"): [
                make_verdict("flip_rate:triage", "fail", 0.3, 0.2, 0.4)
            ]
        }
    )
    found = compare_to_baseline(new, baseline_from_scorecard(old))
    assert [r.id for r in found] == ["replay:x.cassette.jsonl::race::flip_rate:triage"]


def _run(results: Path, run_id: str, spec: str) -> Path:
    outcome = execute(prepare(RunOptions(suite=CI, models=[spec], results=results, run_id=run_id)))
    return outcome.run_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = tmp_path_factory.mktemp("results")
    for run_id, spec in (("base", CLEAN), ("rerun", CLEAN), ("planted", PLANTED)):
        _run(results, run_id, spec)
    return results


def test_planted_bias_fails_the_baseline_gate_and_a_rerun_passes(
    runs: Path, tmp_path: Path
) -> None:
    cli = CliRunner()
    baseline = tmp_path / "ci.baseline.json"
    saved = cli.invoke(baseline_command, ["save", "base", str(baseline), "--results", str(runs)])
    assert saved.exit_code == 0, saved.output
    assert load_baseline(baseline).run_id == "base"

    rerun = cli.invoke(gate_command, ["rerun", "--results", str(runs), "--baseline", str(baseline)])
    assert rerun.exit_code == 0, rerun.output
    assert "gate passed" in rerun.output and "0 regressions" in rerun.output

    summary = tmp_path / "summary.md"
    planted = cli.invoke(
        gate_command,
        [str(runs / "planted"), "--baseline", str(baseline), "--summary", str(summary)],
    )
    assert planted.exit_code == 1, planted.output
    lines = planted.output.splitlines()
    urgent = [line for line in lines if "::race::rate:decision:triage=urgent REGRESSION" in line]
    assert len(urgent) == 1 and "beyond the tolerance" in urgent[0]
    assert lines[-1].startswith("gate failed")
    assert "## harness gate: ❌ failed" in summary.read_text()


def test_gate_reads_a_run_folder_its_file_or_its_id(runs: Path) -> None:
    cli = CliRunner()
    for run in (str(runs / "base"), str(runs / "base" / "scorecard.json")):
        assert cli.invoke(gate_command, [run]).exit_code == 0
    missing = cli.invoke(gate_command, ["nope", "--results", str(runs)])
    assert isinstance(missing.exception, InputError)
    assert "no scorecard.json here" in str(missing.exception)
