"""Pending calls -> answers: async workers per model under request and token rate limits and a
spending budget; retries with backoff, jitter and Retry-After; every answer stored the moment
it arrives, every failure kept with its reason."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from harness.backends import RETRYABLE, Request, Response, Status
from harness.errors import HarnessError
from harness.run.answer import Answer
from harness.run.limits import Budget, TokenBucket
from harness.run.model_run import ModelRun, estimate_input_tokens
from harness.run.plan import CallPlan, PendingCall
from harness.secrets import redact
from harness.store import ResponseStore

__all__ = ["BudgetExceeded", "execute_plan"]

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 20.0
RETRY_AFTER_CAP_S = 300.0


class BudgetExceeded(HarnessError):
    pass


class _Limits:
    def __init__(self, run: ModelRun) -> None:
        self.requests = TokenBucket(run.config.rpm) if run.config.rpm else None
        self.tokens = TokenBucket(run.config.tpm) if run.config.tpm else None

    async def wait(self, request: Request) -> None:
        if self.requests is not None:
            await self.requests.take(1)
        if self.tokens is not None:
            await self.tokens.take(estimate_input_tokens(request) + request.max_tokens)


async def _attempt(run: ModelRun, request: Request) -> Response:
    try:
        if sys.version_info >= (3, 11):  # a deadline on this task: no extra task per call
            async with asyncio.timeout(run.config.timeout_s):
                return await run.backend.complete(request)
        return await asyncio.wait_for(run.backend.complete(request), run.config.timeout_s)
    except TimeoutError:
        return Response(Status.timeout, error=f"no answer within {run.config.timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - every SDK failure becomes a typed status
        status = run.backend.classify(exc)
        wait = run.backend.retry_after(exc)
        return Response(
            status,
            error=redact(f"{type(exc).__name__}: {exc}")[:500],
            extra={} if wait is None else {"retry_after_s": wait},
        )


async def _call_with_retries(
    run: ModelRun, request: Request, limits: _Limits
) -> tuple[Response, int]:
    attempts = 0
    while True:
        attempts += 1
        await limits.wait(request)
        response = await _attempt(run, request)
        if response.status not in RETRYABLE or attempts >= run.config.max_attempts:
            return response, attempts
        backoff = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempts - 1))
        backoff *= 0.5 + random.random()  # noqa: S311 - jitter, not crypto
        asked = float(response.extra.get("retry_after_s", 0.0))
        await asyncio.sleep(max(backoff, min(asked, RETRY_AFTER_CAP_S)))


async def _run_model(
    run: ModelRun,
    pending: list[PendingCall],
    store: ResponseStore,
    budget: Budget,
    on_answer: Callable[[Answer], None],
) -> list[Answer]:
    answers: list[Answer] = []
    queue = list(reversed(pending))
    limits = _Limits(run)

    async def worker() -> None:
        while queue and not budget.exhausted:
            call = queue.pop()
            worst = run.worst_cost(call.request) or 0.0
            if not budget.reserve(worst):
                queue.append(call)
                return
            start = time.perf_counter()
            response, attempts = await _call_with_retries(run, call.request, limits)
            if response.latency_s == 0.0:
                response = replace(response, latency_s=time.perf_counter() - start)
            cost = run.cost(call.request, response.input_tokens, response.output_tokens)
            budget.settle(worst, cost or 0.0)
            store.put(
                call.key,
                backend=run.spec.backend,
                model=run.spec.model,
                case_id=call.case.id,
                request=call.request,
                response=response,
            )
            answer = Answer(
                run.label, call.case.id, call.request.sample, response, False, attempts, cost
            )
            answers.append(answer)
            on_answer(answer)

    n_workers = min(run.config.concurrency, run.backend.max_concurrency, max(len(queue), 1))
    await asyncio.gather(*(worker() for _ in range(n_workers)))
    if queue:
        budget.unsent += len(queue)
    return answers


async def _run_all(
    runs: Sequence[ModelRun],
    plan: CallPlan,
    store: ResponseStore,
    budget: Budget,
    on_answer: Callable[[Answer], None],
) -> list[Answer]:
    try:
        per_model = await asyncio.gather(
            *(
                _run_model(run, [p for p in plan.pending if p.run is run], store, budget, on_answer)
                for run in runs
            )
        )
    finally:
        for run in runs:
            await run.backend.aclose()
    return [a for answers in per_model for a in answers]


def execute_plan(
    runs: Sequence[ModelRun],
    plan: CallPlan,
    *,
    store: ResponseStore,
    max_cost: float | None = None,
    on_answer: Callable[[Answer], None] = lambda _: None,
) -> list[Answer]:
    """The plan's cached answers plus every call made. Raises BudgetExceeded, after storing
    every answer received, when the budget would not cover the next call."""
    for hit in plan.hits:
        on_answer(hit)
    budget = Budget(max_cost)
    answers = asyncio.run(_run_all(runs, plan, store, budget, on_answer))
    if budget.exhausted:
        raise BudgetExceeded(
            f"stopped before the budget of ${max_cost:.2f} would be exceeded: "
            f"${budget.spent:.4f} spent on {len(answers)} calls, {budget.unsent} calls not sent; "
            "every answer received is stored, so a rerun with a higher --max-cost continues"
        )
    return [*plan.hits, *answers]
