"""Worker processes for shards: each forked before any event loop runs, each running the usual
async calls on its shard in its own event loop, writing every answer to the store through its
own connection (so a kill -9 of the parent loses nothing already answered), then sending it to
the parent over a pipe, where the progress display and the answer list are kept.

A worker dies with its parent (PR_SET_PDEATHSIG, and a broken pipe); it never writes to stdout
or stderr, and leaves with os._exit, so nothing inherited from the parent (its store connection,
its buffers) is flushed or closed twice."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from harness.errors import HarnessError
from harness.run.answer import Answer
from harness.run.calls import run_calls
from harness.run.limits import Budget
from harness.run.shards import Shard
from harness.store import ResponseStore

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["ShardReport", "Worker", "WorkerFailed", "collect", "start_workers", "stop_workers"]

_PR_SET_PDEATHSIG = 1


class WorkerFailed(HarnessError):
    pass


@dataclass(frozen=True)
class ShardReport:
    """A worker's last message: what its share of the budget paid for and left unsent."""

    spent: float
    unsent: int
    exhausted: bool


@dataclass(frozen=True)
class _Crash:
    traceback: str


@dataclass
class Worker:
    shard: Shard
    pid: int
    conn: Connection
    answers: list[Answer] = field(default_factory=list)
    report: ShardReport | None = None
    crash: str | None = None
    status: int | None = None  # os.waitpid's, once reaped

    def failure(self) -> str | None:
        """Why this worker did not finish its shard, or None if it did."""
        if self.report is not None and self.crash is None:
            return None
        if self.crash is not None:
            reason = self.crash.strip().splitlines()[-1]
        elif self.status is not None and os.WIFSIGNALED(self.status):
            reason = f"killed by signal {os.WTERMSIG(self.status)}"
        elif self.status is not None:
            reason = f"exited with code {os.waitstatus_to_exitcode(self.status)}"
        else:
            reason = "stopped"
        shard = self.shard
        return (
            f"worker {shard.index + 1} of {shard.of} for {shard.run.label} (pid {self.pid}) "
            f"failed after {len(self.answers)} of {len(shard.calls)} answers: {reason}"
        )


def start_workers(shards: Sequence[tuple[Shard, float | None]], store_path: Path) -> list[Worker]:
    """One forked process per (shard, its budget in USD). Call before any event loop runs."""
    from multiprocessing import Pipe  # only when a run forks: 7 ms of imports

    workers: list[Worker] = []
    parent = os.getpid()
    try:
        for shard, budget in shards:
            read, write = Pipe(duplex=False)
            gc.freeze()  # the child's collector then leaves the inherited heap unwritten
            with warnings.catch_warnings():
                # Python 3.12+ warns when a process with threads forks (a progress bar's
                # refresh thread, say): the child touches no lock those threads may hold.
                warnings.filterwarnings("ignore", ".*fork", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the child: never returns
                _child(shard, budget, write, [read, *(w.conn for w in workers)], store_path, parent)
            gc.unfreeze()
            write.close()
            workers.append(Worker(shard, pid, read))
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def _die_with_parent(parent: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _child(
    shard: Shard,
    budget_usd: float | None,
    conn: Connection,
    parents_ends: list[Connection],
    store_path: Path,
    parent: int,
) -> NoReturn:
    code = 1
    try:
        for end in parents_ends:  # the parent's ends: with the parent gone, a send fails
            end.close()
        _die_with_parent(parent)
        budget = Budget(budget_usd)
        with ResponseStore(store_path) as store:
            asyncio.run(_serve(shard, store, budget, conn.send))
        conn.send(ShardReport(budget.spent, budget.unsent, budget.exhausted))
        code = 0
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        with contextlib.suppress(BaseException):
            conn.send(_Crash(traceback.format_exc()))
    finally:
        os._exit(code)


async def _serve(
    shard: Shard, store: ResponseStore, budget: Budget, send: Callable[[Answer], None]
) -> None:
    try:
        await run_calls(shard.run, shard.calls, store, budget, send)
    finally:
        await shard.run.backend.aclose()


async def collect(workers: Sequence[Worker], on_answer: Callable[[Answer], None]) -> None:
    """Receives every worker's answers, as they come, until every worker has closed its pipe."""
    if not workers:
        return
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    open_pipes = len(workers)

    def readable(worker: Worker) -> None:
        nonlocal open_pipes
        try:
            # Every message already in the pipe: with a thread busy in this process, each
            # wake-up may wait a switch interval (5 ms) for the GIL.
            while True:
                message = worker.conn.recv()
                if isinstance(message, Answer):
                    worker.answers.append(message)
                    on_answer(message)
                elif isinstance(message, ShardReport):
                    worker.report = message
                elif isinstance(message, _Crash):
                    worker.crash = message.traceback
                if not worker.conn.poll():
                    break
        except (EOFError, OSError):
            loop.remove_reader(worker.conn.fileno())
            worker.conn.close()
            open_pipes -= 1
            if open_pipes == 0 and not done.done():
                done.set_result(None)
        except Exception as exc:  # noqa: BLE001 - on_answer failed: the run stops
            if not done.done():
                done.set_exception(exc)

    for worker in workers:
        loop.add_reader(worker.conn.fileno(), readable, worker)
    try:
        await done
    finally:
        for worker in workers:
            if not worker.conn.closed:
                loop.remove_reader(worker.conn.fileno())


def stop_workers(workers: Sequence[Worker]) -> None:
    """Reaps every worker; one still running (the parent is leaving early) is killed first."""
    for worker in workers:
        if worker.status is not None:
            continue
        if worker.report is None and worker.crash is None and not worker.conn.closed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        _, worker.status = os.waitpid(worker.pid, 0)
        if not worker.conn.closed:
            worker.conn.close()
