"""One model's pending calls -> answers in one event loop: async workers under request and token
rate limits and a spending budget; retries with backoff, jitter and Retry-After; every answer
stored the moment it arrives, every failure kept with its reason."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace

from harness.backends import RETRYABLE, Request, Response, Status
from harness.run.answer import Answer
from harness.run.limits import Budget, TokenBucket
from harness.run.model_run import ModelRun, estimate_input_tokens
from harness.run.plan import PendingCall
from harness.secrets import redact
from harness.store import ResponseStore

__all__ = ["run_calls"]

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 20.0
RETRY_AFTER_CAP_S = 300.0


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


async def run_calls(
    run: ModelRun,
    pending: list[PendingCall],
    store: ResponseStore,
    budget: Budget,
    on_answer: Callable[[Answer], None],
) -> list[Answer]:
    """Calls `run`'s backend for each pending call (its config sets concurrency and limits);
    stops taking calls when the budget would not cover the next one, counted in
    `budget.unsent`."""
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
