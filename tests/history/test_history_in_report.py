"""Every run records its scorecard in the store's history, and the HTML scorecard draws the
trend once the suite has two stored runs."""

from __future__ import annotations

from pathlib import Path

from harness.cli import main
from harness.history import query_history
from harness.validity import write_suite

SPEC = "sim:clinician?seed=3&noise=0.1"


def test_the_second_run_draws_trends_from_the_first(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite", n_vignettes=6, samples=2)
    results = tmp_path / "results"
    for run_id in ("night-1", "night-2"):
        main(["run", str(suite), "--model", SPEC, "--results", str(results), "--run-id", run_id])
    first = (results / "night-1" / "scorecard.html").read_text(encoding="utf-8")
    second = (results / "night-2" / "scorecard.html").read_text(encoding="utf-8")
    assert 'id="trends"' not in first  # one run: nothing to draw
    assert 'id="trends"' in second and second.count("<svg") > first.count("<svg")
    rows = query_history(results / "harness.sqlite", metric="flip_rate:triage")
    assert {r.run_id for r in rows} == {"night-1", "night-2"}
