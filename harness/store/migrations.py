"""Ordered, named schema migrations; each runs once and is recorded in `_migrations`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["MIGRATIONS", "migrate"]


def _m001_responses(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE responses (
            key TEXT PRIMARY KEY,        -- hash of all that fixes the answer
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            case_id TEXT NOT NULL,
            sample INTEGER NOT NULL,
            status TEXT NOT NULL,        -- ok | rate_limited | timeout | transient | fatal
            text TEXT NOT NULL,
            finish_reason TEXT,
            input_tokens INTEGER,
            output_tokens INTEGER,
            latency_s REAL,
            request_id TEXT,
            error TEXT,
            request_json TEXT NOT NULL,  -- the request as sent, minus credentials
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX responses_case ON responses (case_id, model, sample)")


def _m002_runs(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            suite TEXT NOT NULL,
            suite_file TEXT NOT NULL,
            created_at TEXT NOT NULL,
            models_json TEXT NOT NULL,
            scorecard_path TEXT NOT NULL
        )
        """
    )


def _m003_history(db: sqlite3.Connection) -> None:
    """Run history: each run's whole scorecard (so the history outlives deleted result folders)
    and one readable row per model x axis x metric verdict for trend queries."""
    db.execute(
        """
        CREATE TABLE run_scorecards (
            run_id TEXT PRIMARY KEY,
            suite TEXT NOT NULL,
            created_at TEXT NOT NULL,    -- the scorecard's created_at
            schema_version INTEGER NOT NULL,
            harness_version TEXT NOT NULL,
            scorecard_json TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE run_metrics (
            run_id TEXT NOT NULL,
            model TEXT NOT NULL,
            axis TEXT NOT NULL,
            metric TEXT NOT NULL,
            verdict TEXT NOT NULL,       -- pass | fail | inconclusive | insufficient_data
            severity TEXT,
            value REAL,
            ci_low REAL,
            ci_high REAL,
            threshold REAL NOT NULL,
            noise_floor REAL,
            p_value REAL,
            n INTEGER NOT NULL,
            PRIMARY KEY (run_id, model, axis, metric)
        )
        """
    )
    db.execute("CREATE INDEX run_metrics_trend ON run_metrics (metric, model, axis)")


def _m004_assessments(db: sqlite3.Connection) -> None:
    """What the detectors and extractors made of a stored answer, so that a rerun from the cache
    reads it instead of assessing again; the key holds the fingerprint of the detectors' code
    and lexicons, so a changed rule never serves an old result."""
    db.execute(
        """
        CREATE TABLE assessments (
            key TEXT PRIMARY KEY,        -- hash of fingerprint, text, decisions, case context
            assessment_json TEXT NOT NULL
        )
        """
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_responses", _m001_responses),
    ("002_runs", _m002_runs),
    ("003_history", _m003_history),
    ("004_assessments", _m004_assessments),
]


def migrate(db: sqlite3.Connection) -> list[str]:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied: list[str] = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with db:
            step(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        applied.append(name)
    return applied
