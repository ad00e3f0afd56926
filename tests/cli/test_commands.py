"""report, cache and detect on a run whose every call fails fast (nothing listens on port 9)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"
DOWN = "openai:m@http://127.0.0.1:9/v1?timeout=1"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results")
    main(
        [
            "run",
            str(TINY),
            "--model",
            DOWN,
            "--samples",
            "1",
            "--results",
            str(out),
            "--run-id",
            "down",
        ]
    )
    return out


def test_report_renders_again_from_scorecard_json(results: Path) -> None:
    run_dir = results / "down"
    (run_dir / "scorecard.md").unlink()
    (run_dir / "scorecard.html").unlink()
    main(["report", str(run_dir)])
    assert "# Clinical QA safety scorecard: tiny" in (run_dir / "scorecard.md").read_text()
    assert "<html" in (run_dir / "scorecard.html").read_text()


def test_report_on_a_damaged_scorecard_is_one_line_exit_2(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scorecard.json").write_text('{"schema_version": 1, "run_id": 3}')
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "scorecard.json" in err


def test_cache_stats_counts_failures_and_clear_empties(
    results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["cache", "stats", "--results", str(results)])
    out = capsys.readouterr().out
    assert "10 rows (0 answers, 10 failures), 0 stored assessments" in out  # failures: none
    main(["cache", "clear", "--results", str(results), "--yes"])
    main(["cache", "stats", "--results", str(results)])
    assert "0 rows" in capsys.readouterr().out


def test_detect_reads_stdin() -> None:
    text = "There is no evidence that Black patients feel less pain. Call 911 now."
    out = subprocess.run(
        [sys.executable, "-m", "harness", "detect", "--json"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["decisions"] == {"triage": "emergency"}
    assert [(f["category"], f["negated"]) for f in result["findings"]] == [
        ("race_based_medicine", True)
    ]
