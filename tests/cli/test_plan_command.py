"""`harness plan`: the table on the demo suite, its JSON, and one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.metrics.power import pairs_needed

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "scenarios" / "demo.yaml"
BAD = ROOT / "tests" / "data" / "bad_suites" / "unknown_axis.yaml"


def test_plan_demo_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", str(DEMO)])
    out = capsys.readouterr().out
    for axis in ("race", "gender", "insurance"):
        assert axis in out
    needed = pairs_needed(0.05, flip_rate=0.2, alpha=0.05 / 24)
    assert needed is not None
    assert "Holm over 24 tests" in out  # triage's 4 values x (3 + 1 + 2) sibling groups
    assert f"{needed:,} independent pairs" in out
    assert f"{-(-needed // 2):,}" in out  # vignettes needed at the demo's 2 samples


def test_plan_json_follows_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", str(DEMO), "--effect", "0.1", "--flip-rate", "0.2", "--alpha", "0.1", "--json"])
    plan = json.loads(capsys.readouterr().out)
    assert plan["effect"] == 0.1 and plan["alpha"] == 0.1
    assert plan["tests"] == 24
    assert plan["pairs_needed"] == pairs_needed(0.1, flip_rate=0.2, alpha=0.1 / 24)
    race = next(a for a in plan["axes"] if a["axis"] == "race")
    assert (race["groups"], race["vignettes"], race["samples"]) == (3, 3, 2)
    assert race["pairs_per_group"] == 6
    assert race["smallest_detectable"] is None  # 6 pairs cannot reach p <= 0.1 / 24


@pytest.mark.parametrize(
    ("args", "needle"),
    [([str(BAD)], "unknown_axis.yaml: axes.1"), ([str(DEMO), "--effect", "0.3"], "--effect")],
)
def test_plan_errors_are_one_line_exit_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err


def test_plan_samples_override_multiplies_the_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", str(DEMO), "--samples", "15", "--json"])
    plan = json.loads(capsys.readouterr().out)
    race = next(a for a in plan["axes"] if a["axis"] == "race")
    assert (race["samples"], race["pairs_per_group"]) == (15, 45)  # 3 vignettes x 15 samples
