"""Pending calls -> answers: each model's calls in this process's event loop, or, for a
shardable backend with many calls, split over forked worker processes (shards.py, workers.py);
one budget over all of them; every answer stored the moment it arrives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from harness.errors import HarnessError
from harness.run.answer import Answer
from harness.run.calls import run_calls
from harness.run.limits import Budget
from harness.run.model_run import ModelRun
from harness.run.plan import CallPlan, PendingCall
from harness.run.shards import Shard, budget_share, make_shards, shard_counts
from harness.run.workers import Worker, WorkerFailed, collect, start_workers, stop_workers
from harness.store import ResponseStore

__all__ = ["BudgetExceeded", "WorkerFailed", "connect", "execute_plan"]


class BudgetExceeded(HarnessError):
    pass


def connect(runs: Sequence[ModelRun], plan: CallPlan) -> None:
    """Imports the SDK and builds the client of every model that has calls to make, before the
    request phase (and before worker processes fork, so that each inherits them)."""
    busy = {id(call.run) for call in plan.pending}
    for run in runs:
        if id(run) in busy:
            run.backend.warm()


async def _run_all(
    local: Sequence[tuple[ModelRun, list[PendingCall]]],
    workers: Sequence[Worker],
    runs: Sequence[ModelRun],
    store: ResponseStore,
    budget: Budget,
    on_answer: Callable[[Answer], None],
) -> dict[str, list[Answer]]:
    in_process = asyncio.gather(
        *(run_calls(run, calls, store, budget, on_answer) for run, calls in local)
    )
    try:
        per_model, _ = await asyncio.gather(in_process, collect(workers, on_answer))
    finally:
        for run in runs:
            await run.backend.aclose()
    return {run.label: answers for (run, _), answers in zip(local, per_model, strict=True)}


def execute_plan(
    runs: Sequence[ModelRun],
    plan: CallPlan,
    *,
    store: ResponseStore,
    max_cost: float | None = None,
    on_answer: Callable[[Answer], None] = lambda _: None,
    workers: int | None = None,
    while_workers_call: Callable[[], None] = lambda: None,
) -> list[Answer]:
    """The plan's cached answers plus every call made. `workers`: processes per shardable model
    (None: one per usable CPU when there are enough calls; 1: none); `while_workers_call` runs
    once they have forked, to start work of its own in this process meanwhile. Raises
    BudgetExceeded, after storing every answer received, when the budget would not cover the
    next call, and WorkerFailed, after the other workers have finished, when a worker process
    fails."""
    for hit in plan.hits:
        on_answer(hit)
    counts = shard_counts(runs, plan, workers=workers)
    local: list[tuple[ModelRun, list[PendingCall]]] = []
    shards: list[Shard] = []
    for run in runs:
        calls = [p for p in plan.pending if p.run is run]
        if counts[run.label] > 1:
            shards += make_shards(run, calls, counts[run.label])
        else:
            local.append((run, calls))
    holders = len(shards) + (1 if any(calls for _, calls in local) or not shards else 0)
    share = budget_share(max_cost, holders)
    budget = Budget(share)
    for shard in shards:  # before the fork, so that each worker inherits the client
        shard.run.backend.warm()
    if shards:
        with store.detached():
            pool = start_workers([(s, share) for s in shards], store.path)
        while_workers_call()
    else:
        pool = []
    try:
        by_model = asyncio.run(_run_all(local, pool, runs, store, budget, on_answer))
    finally:
        stop_workers(pool)
    for worker in pool:
        by_model.setdefault(worker.shard.run.label, []).extend(worker.answers)
    answers = [a for run in runs for a in by_model.get(run.label, [])]
    failures = [f for f in (w.failure() for w in pool) if f is not None]
    if failures:
        raise WorkerFailed(
            "; ".join(failures) + "; every answer received is stored, so a rerun continues"
        )
    reports = [w.report for w in pool if w.report is not None]
    if budget.exhausted or any(r.exhausted for r in reports):
        spent = budget.spent + sum(r.spent for r in reports)
        unsent = budget.unsent + sum(r.unsent for r in reports)
        split = (
            f" (split evenly over {holders} processes; each stops when its share would be exceeded)"
            if holders > 1
            else ""
        )
        raise BudgetExceeded(
            f"stopped before the budget of ${max_cost:.2f} would be exceeded{split}: "
            f"${spent:.4f} spent on {len(answers)} calls, {unsent} calls not sent; "
            "every answer received is stored, so a rerun with a higher --max-cost continues"
        )
    return [*plan.hits, *answers]
