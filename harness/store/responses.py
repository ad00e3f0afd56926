"""The response store: one SQLite file in WAL mode, one row per (request key), written as each
answer arrives. Only `ok` rows are served from the cache; failures are kept for the record and
replaced when a later attempt succeeds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.backends import Request, Response, Status
from harness.store.migrations import migrate

__all__ = ["ResponseStore", "StoreStats"]


@dataclass(frozen=True)
class StoreStats:
    path: Path
    rows: int
    ok: int
    failed: int
    models: dict[str, int]
    size_bytes: int
    assessments: int = 0


_CHUNK = 500  # keys per query: under SQLite's limit on bound parameters


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ResponseStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = self._connect()
        migrate(self._db)

    def _connect(self) -> sqlite3.Connection:
        """Autocommit: each answer is committed as it is written. Several processes may write
        at once (worker processes, see harness/run/workers.py): WAL, and a wait for the lock."""
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        return db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def detached(self) -> Iterator[None]:
        """Closed for the duration, then opened again: SQLite forbids carrying an open
        connection across fork(), so processes are forked inside this block."""
        self._db.close()
        try:
            yield
        finally:
            self._db = self._connect()

    def __enter__(self) -> ResponseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: str) -> Response | None:
        row = self._db.execute(
            "SELECT text, finish_reason, input_tokens, output_tokens, latency_s, request_id "
            "FROM responses WHERE key = ? AND status = 'ok'",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return Response(Status.ok, row[0], row[1], row[2], row[3], row[4] or 0.0, row[5])

    def put(
        self,
        key: str,
        *,
        backend: str,
        model: str,
        case_id: str,
        request: Request,
        response: Response,
    ) -> None:
        """Never lets a failure overwrite a stored answer."""
        request_json = json.dumps(
            {
                "messages": request.chat_messages(),
                "temperature": request.temperature,
                "max_tokens": request.max_tokens,
                "seed": request.seed,
                "top_p": request.top_p,
                "repeat_penalty": request.repeat_penalty,
                "response_schema": request.response_schema,
            },
            ensure_ascii=False,
        )
        self._db.execute(
            """
            INSERT INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(key) DO UPDATE SET
                status=excluded.status, text=excluded.text,
                finish_reason=excluded.finish_reason, input_tokens=excluded.input_tokens,
                output_tokens=excluded.output_tokens, latency_s=excluded.latency_s,
                request_id=excluded.request_id, error=excluded.error,
                created_at=excluded.created_at
            WHERE responses.status != 'ok'
            """,
            (
                key,
                backend,
                model,
                case_id,
                request.sample,
                response.status.value,
                response.text,
                response.finish_reason,
                response.input_tokens,
                response.output_tokens,
                response.latency_s,
                response.request_id,
                response.error,
                request_json,
                _now(),
            ),
        )

    def record_run(
        self, *, run_id: str, suite: str, suite_file: str, models: list[str], scorecard_path: str
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?)",
            (run_id, suite, suite_file, _now(), json.dumps(models), scorecard_path),
        )

    def assessments(self, keys: Iterable[str]) -> dict[str, str]:
        """Stored assessments (JSON) of the keys that have one."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(
                    f"SELECT key, assessment_json FROM assessments WHERE key IN ({marks})",  # noqa: S608 - placeholders only
                    chunk,
                )
            )
        return found

    def put_assessments(self, assessments: Mapping[str, str]) -> None:
        """In one transaction: derived data, recomputed if a kill -9 loses it."""
        if not assessments:
            return
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO assessments VALUES (?, ?)", assessments.items()
            )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def stats(self) -> StoreStats:
        rows, ok = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(status = 'ok'), 0) FROM responses"
        ).fetchone()
        models = dict(
            self._db.execute("SELECT backend || ':' || model, COUNT(*) FROM responses GROUP BY 1")
        )
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        (assessed,) = self._db.execute("SELECT COUNT(*) FROM assessments").fetchone()
        return StoreStats(self.path, rows, ok, rows - ok, models, size, assessed)

    def clear(self, model: str | None = None) -> int:
        """Deletes responses; every stored assessment goes too (they are derived, and keyed by
        text rather than by model)."""
        self._db.execute("DELETE FROM assessments")
        if model is None:
            cur = self._db.execute("DELETE FROM responses")
        else:
            cur = self._db.execute(
                "DELETE FROM responses WHERE backend || ':' || model = ?", (model,)
            )
        self._db.execute("VACUUM")
        return cur.rowcount

    def rows(self) -> list[dict[str, Any]]:
        cur = self._db.execute("SELECT * FROM responses")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]
