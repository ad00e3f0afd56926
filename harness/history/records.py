"""The run history in the results store: every run's scorecard JSON (table run_scorecards) and
one row per model x axis x metric verdict (table run_metrics), written when a run is recorded.
Runs the store lists in `runs` but never indexed (recorded before migration 003, or by a
pipeline without the history hook) are indexed from their scorecard files on the next read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from harness.metrics.scorecard import Scorecard
from harness.store.migrations import migrate

__all__ = ["HistoryRow", "backfill_history", "query_history", "record_scorecard", "stored_runs"]


@dataclass(frozen=True)
class HistoryRow:
    run_id: str
    created_at: str
    suite: str
    model: str
    axis: str
    metric: str
    verdict: str
    severity: str | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    threshold: float
    noise_floor: float | None
    p_value: float | None
    n: int


@contextmanager
def _connect(store: Path) -> Iterator[sqlite3.Connection]:
    store.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(store, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=5000")
        migrate(db)
        yield db
    finally:
        db.close()


def _write(db: sqlite3.Connection, card: Scorecard) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("DELETE FROM run_metrics WHERE run_id = ?", (card.run_id,))
        db.execute(
            "INSERT OR REPLACE INTO run_scorecards VALUES (?,?,?,?,?,?)",
            (
                card.run_id,
                card.suite,
                card.created_at,
                card.schema_version,
                card.harness_version,
                card.model_dump_json(),
            ),
        )
        db.executemany(
            "INSERT OR REPLACE INTO run_metrics VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    card.run_id,
                    model.model,
                    axis.axis,
                    v.metric,
                    v.verdict,
                    v.severity,
                    v.value,
                    v.ci_low,
                    v.ci_high,
                    v.threshold,
                    v.noise_floor,
                    v.p_value,
                    v.n,
                )
                for model in card.models
                for axis in model.axes
                for v in axis.verdicts
            ],
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def record_scorecard(store: Path, card: Scorecard) -> None:
    """Index one run's scorecard in the store's history; a rerun with the same run id
    replaces it."""
    with _connect(store) as db:
        _write(db, card)


def backfill_history(store: Path) -> list[str]:
    """Index the runs the store lists but the history lacks; returns the run ids whose
    scorecard file is gone or unreadable (they stay out of the history)."""
    lost = []
    with _connect(store) as db:
        pending = db.execute(
            "SELECT run_id, scorecard_path FROM runs "
            "WHERE run_id NOT IN (SELECT run_id FROM run_scorecards) ORDER BY created_at"
        ).fetchall()
        for run_id, path in pending:
            try:
                card = Scorecard.model_validate_json(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValidationError):
                lost.append(str(run_id))
                continue
            _write(db, card)
    return lost


def stored_runs(store: Path) -> list[tuple[str, str, str]]:
    """(run_id, created_at, suite) of every indexed run, oldest first."""
    with _connect(store) as db:
        rows = db.execute(
            "SELECT run_id, created_at, suite FROM run_scorecards ORDER BY created_at, run_id"
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def query_history(
    store: Path,
    *,
    model: str | None = None,
    metric: str | None = None,
    axis: str | None = None,
    suite: str | None = None,
    last: int | None = None,
) -> list[HistoryRow]:
    """Rows oldest run first. model, metric, axis and suite are SQLite GLOB patterns (`*`, `?`;
    a plain name matches itself); `last` keeps the most recent runs only."""
    where, params = [], []
    for column, pattern in (
        ("m.model", model),
        ("m.metric", metric),
        ("m.axis", axis),
        ("s.suite", suite),
    ):
        if pattern is not None:
            where.append(f"{column} GLOB ?")
            params.append(pattern)
    sql = (
        "SELECT m.run_id, s.created_at, s.suite, m.model, m.axis, m.metric, m.verdict, "
        "m.severity, m.value, m.ci_low, m.ci_high, m.threshold, m.noise_floor, m.p_value, m.n "
        "FROM run_metrics m JOIN run_scorecards s USING (run_id)"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY s.created_at, m.run_id, m.model, m.axis, m.metric"
    )
    with _connect(store) as db:
        rows = [HistoryRow(*r) for r in db.execute(sql, params)]
    if last is not None:
        keep = set(list(dict.fromkeys(r.run_id for r in rows))[-last:])
        rows = [r for r in rows if r.run_id in keep]
    return rows
