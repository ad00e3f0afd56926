"""Assessments kept in the store: a rerun from the cache reads them instead of assessing again,
gives the same rows, and a change to the detectors (their fingerprint) never serves an old one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import harness
from harness.metrics import answers
from harness.pipeline import STORE_NAME, RunOptions, execute, prepare

TINY = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"
SIM = "sim:clinician?seed=5&noise=0.2"


def _run(results: Path, run_id: str) -> list[dict[str, Any]]:
    options = RunOptions(suite=TINY, models=[SIM], results=results, run_id=run_id)
    outcome = execute(prepare(options))
    lines = (outcome.run_dir / "responses.jsonl").read_text().splitlines()
    varying = ("cached", "attempts", "latency_s")  # of the call, not of the answer
    return [{k: v for k, v in json.loads(x).items() if k not in varying} for x in lines]


def _stored(results: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(results / STORE_NAME) as db:
        return sorted(db.execute("SELECT key, assessment_json FROM assessments"))


def test_a_cached_rerun_reads_the_stored_assessments(tmp_path: Path) -> None:
    first = _run(tmp_path, "a")
    stored = _stored(tmp_path)
    assert len(stored) == len({(r["text"], r["case_id"]) for r in first if r["status"] == "ok"})
    assert _run(tmp_path, "b") == first and _stored(tmp_path) == stored

    # an assessment altered in the store shows in the next rerun: it was read, not remade
    key, value = stored[0]
    altered = {**json.loads(value), "reading_grade": 99.5}
    with sqlite3.connect(tmp_path / STORE_NAME) as db:
        db.execute(
            "UPDATE assessments SET assessment_json = ? WHERE key = ?", (json.dumps(altered), key)
        )
    third = _run(tmp_path, "c")
    assert sum(r["reading_grade"] == 99.5 for r in third) >= 1
    assert sum(r["reading_grade"] == 99.5 for r in first) == 0


def test_changed_detectors_never_read_an_old_assessment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _run(tmp_path, "a")
    before = {k for k, _ in _stored(tmp_path)}
    answers.assessor_fingerprint.cache_clear()
    monkeypatch.setattr(harness, "__version__", harness.__version__ + ".changed")
    try:
        assert _run(tmp_path, "b") == first
        after = {k for k, _ in _stored(tmp_path)}
    finally:
        answers.assessor_fingerprint.cache_clear()
    assert before < after and len(after) == 2 * len(before)
