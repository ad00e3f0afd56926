"""Run history: each run's scorecard indexed in the results store, read back as trend rows."""

from harness.history.records import (
    HistoryRow,
    backfill_history,
    query_history,
    record_scorecard,
    stored_runs,
)

__all__ = ["HistoryRow", "backfill_history", "query_history", "record_scorecard", "stored_runs"]
