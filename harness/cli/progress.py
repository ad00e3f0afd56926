"""A progress bar for the request phase: answers done, cache hits, errors, time left."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from harness.run import Answer

__all__ = ["RunProgress"]


class RunProgress:
    def __init__(self, total: int, console: Console) -> None:
        self.hits = 0
        self.errors = 0
        self.retries = 0
        self.cost = 0.0
        self._progress = Progress(
            TextColumn("[bold]answers"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "cache hits {task.fields[hits]}  retries {task.fields[retries]}  "
                "errors {task.fields[errors]}  ${task.fields[cost]:.4f}"
            ),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task = self._progress.add_task(
            "answers", total=total, hits=0, errors=0, retries=0, cost=0.0
        )

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def __call__(self, answer: Answer) -> None:
        self.hits += answer.cached
        self.errors += answer.response.status != "ok"
        self.retries += max(answer.attempts - 1, 0)
        self.cost += answer.cost_usd or 0.0
        self._progress.update(
            self._task,
            advance=1,
            hits=self.hits,
            errors=self.errors,
            retries=self.retries,
            cost=self.cost,
        )
