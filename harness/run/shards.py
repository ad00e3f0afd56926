"""How many processes share a model's pending calls, and each one's part of the calls, the
concurrency, the rate limits and the budget.

One event loop spends about 2 ms of CPU per HTTP call (the SDK, then our store write and
objects), so at concurrency 50 and 100 ms of provider latency it is bound by the CPU, not the
provider. A backend that declares itself `shardable` (independent HTTP calls, nothing shared in
memory) has its calls split over forked worker processes, one per usable CPU by default.

Every share is rounded so that the shares add up to the setting at most: the processes together
never send more requests or tokens per minute, never hold more calls in flight, and never spend
more than one process would. The budget is split evenly, so a process stops when its own share
would be exceeded, even while another still has some left: the run may stop a little before the
whole budget is spent, never after."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.run.model_run import ModelRun
from harness.run.plan import CallPlan, PendingCall

__all__ = [
    "MIN_CALLS_PER_SLOT",
    "Shard",
    "budget_share",
    "can_fork",
    "make_shards",
    "shard_counts",
    "split_evenly",
    "usable_cpus",
]

MIN_CALLS_PER_SLOT = 4  # fewer pending calls than 4 x concurrency: forking is not worth it


@dataclass(frozen=True)
class Shard:
    """A worker process's part of one model's calls, with its share of the limits."""

    run: ModelRun
    calls: list[PendingCall]
    index: int
    of: int


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """The fork start method, on Linux only: elsewhere every call runs in this process."""
    return sys.platform == "linux"


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` as `parts` whole numbers, each at least 1, differing by at most one, adding up to
    exactly `total`."""
    if parts < 1 or total < parts:
        raise ValueError(f"cannot split {total} into {parts} shares of at least 1")
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def budget_share(limit_usd: float | None, holders: int) -> float | None:
    """An even share of the budget, rounded down so that the shares never add up to more."""
    if limit_usd is None:
        return None
    share = limit_usd / holders
    while share * holders > limit_usd:
        share = math.nextafter(share, 0.0)
    return share


def _shard_count(run: ModelRun, n_pending: int, workers: int | None, cpus: int) -> int:
    cfg = run.config
    concurrency = min(cfg.concurrency, run.backend.max_concurrency)
    if (
        workers == 1
        or not run.backend.shardable
        or not can_fork()
        or n_pending < MIN_CALLS_PER_SLOT * concurrency
    ):
        return 1
    caps = [cpus if workers is None else min(cpus, workers), concurrency]
    caps += [limit for limit in (cfg.rpm, cfg.tpm) if limit is not None]
    return max(1, min(caps))


def shard_counts(
    runs: Sequence[ModelRun], plan: CallPlan, *, workers: int | None, cpus: int | None = None
) -> dict[str, int]:
    """Processes per model label: 1 runs the model's calls in this process. `workers` None is
    one per usable CPU."""
    cpus = usable_cpus() if cpus is None else cpus
    pending: dict[int, int] = {}
    for call in plan.pending:
        pending[id(call.run)] = pending.get(id(call.run), 0) + 1
    return {run.label: _shard_count(run, pending.get(id(run), 0), workers, cpus) for run in runs}


def make_shards(run: ModelRun, calls: list[PendingCall], n: int) -> list[Shard]:
    """Calls dealt out in turn (each process gets a like mix), with concurrency, requests and
    tokens per minute split evenly."""
    cfg = run.config
    concurrency = split_evenly(min(cfg.concurrency, run.backend.max_concurrency), n)
    rpm = split_evenly(cfg.rpm, n) if cfg.rpm is not None else [None] * n
    tpm = split_evenly(cfg.tpm, n) if cfg.tpm is not None else [None] * n
    return [
        Shard(
            run=replace(
                run,
                config=cfg.model_copy(
                    update={"concurrency": concurrency[i], "rpm": rpm[i], "tpm": tpm[i]}
                ),
            ),
            calls=calls[i::n],
            index=i,
            of=n,
        )
        for i in range(n)
    ]
