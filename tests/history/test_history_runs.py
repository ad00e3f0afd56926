"""The run history: three runs of the simulated clinician stored, shown by `harness history`,
kept after their result folders are deleted."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli.history import command
from harness.history import backfill_history, query_history, record_scorecard, stored_runs
from harness.pipeline import STORE_NAME, RunOptions, execute, prepare

CI = Path(__file__).parents[1] / "gate" / "data" / "ci" / "ci.yaml"
SPECS = {
    "night-1": "sim:clinician?seed=1&noise=0.05",
    "night-2": "sim:clinician?seed=2&noise=0.05",
    "night-3": "sim:clinician?seed=1&noise=0.05&axis=race&group=black&decision=triage"
    "&to=urgent&shift=0.5",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    for run_id, spec in SPECS.items():
        options = RunOptions(suite=CI, models=[spec], results=folder, run_id=run_id)
        execute(prepare(options))
    return folder


def test_history_shows_three_stored_runs(results: Path) -> None:
    out = CliRunner().invoke(
        command,
        ["--results", str(results), "--metric", "rate:decision:triage=urgent", "--model", "sim:*"],
    )
    assert out.exit_code == 0, out.output
    assert "history: 3 runs" in out.output
    rows = [line for line in out.output.splitlines() if "night-" in line]
    # one section per model (each night's sim spec is its own model here), oldest run first
    assert sorted(r.split("│")[4].strip() for r in rows) == ["night-1", "night-2", "night-3"]
    stored = query_history(results / STORE_NAME, metric="rate:decision:triage=urgent")
    planted = next(r for r in stored if r.run_id == "night-3")
    clean = next(r for r in stored if r.run_id == "night-1")
    assert planted.value is not None and clean.value is not None
    assert planted.value > clean.value + 0.2  # the planted shift of 0.5 shows in the trend
    assert f"{planted.value:.3f} [{planted.ci_low:.3f}, {planted.ci_high:.3f}]" in out.output


def test_history_outlives_deleted_result_folders(results: Path, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    assert backfill_history(copy / STORE_NAME) == []
    for run_id in SPECS:
        shutil.rmtree(copy / run_id)
    assert [r[0] for r in stored_runs(copy / STORE_NAME)] == list(SPECS)
    out = CliRunner().invoke(command, ["--results", str(copy), "--metric", "flip_rate:triage"])
    assert out.exit_code == 0 and "history: 3 runs" in out.output
    db = sqlite3.connect(copy / STORE_NAME)
    (count,) = db.execute("SELECT COUNT(DISTINCT run_id) FROM run_metrics").fetchone()
    assert count == 3


def test_a_run_without_its_scorecard_is_reported_not_invented(
    results: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    db = sqlite3.connect(copy / STORE_NAME)
    db.execute("DELETE FROM run_scorecards WHERE run_id = 'night-2'")
    db.execute("DELETE FROM run_metrics WHERE run_id = 'night-2'")
    gone = str(copy / "night-2" / "scorecard.json")
    db.execute("UPDATE runs SET scorecard_path = ? WHERE run_id = 'night-2'", (gone,))
    db.commit()
    db.close()
    Path(gone).unlink()
    out = CliRunner().invoke(command, ["--results", str(copy)])
    assert "1 run(s) have no readable scorecard" in out.output and "night-2" in out.output
    assert "history: 2 runs" in out.output


def test_recording_a_run_again_replaces_it(results: Path, tmp_path: Path) -> None:
    store = tmp_path / STORE_NAME
    from harness.report import load_scorecard

    card = load_scorecard(results / "night-1" / "scorecard.json")
    record_scorecard(store, card)
    record_scorecard(store, card)
    assert len(stored_runs(store)) == 1
    assert len(query_history(store)) == sum(len(a.verdicts) for m in card.models for a in m.axes)


def test_filters_and_last(results: Path) -> None:
    store = results / STORE_NAME
    assert {r.run_id for r in query_history(store, last=2)} == {"night-2", "night-3"}
    assert query_history(store, model="openai:*") == []
    assert {r.metric for r in query_history(store, metric="flip_rate:*")} == {"flip_rate:triage"}


def test_history_writes_a_trend_page(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "trend.html"
    out = CliRunner().invoke(
        command, ["--results", str(results), "--metric", "flip_rate:triage", "--html", str(page)]
    )
    assert out.exit_code == 0, out.output
    html = page.read_text()
    assert html.count("<svg") == 1 and "<script" not in html
    assert html.count('class="whisker"') == 3


def test_no_store_is_an_input_error(tmp_path: Path) -> None:
    out = CliRunner().invoke(command, ["--results", str(tmp_path)])
    assert "no results store here" in str(out.exception)
