"""Cases x models -> answers: async workers per model, cache first, retries with backoff and
jitter, every answer stored the moment it arrives, every failure kept with its reason."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from harness.backends import (
    RETRYABLE,
    Backend,
    ModelSpec,
    Request,
    Response,
    Status,
    create_backend,
    parse_spec,
)
from harness.expand import Case
from harness.secrets import redact
from harness.store import ResponseStore
from harness.suite import ModelConfig

__all__ = ["Answer", "ModelRun", "prepare_models", "run_cases"]

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 20.0


@dataclass(frozen=True)
class Answer:
    model: str
    case_id: str
    sample: int
    response: Response
    cached: bool
    attempts: int


@dataclass
class ModelRun:
    config: ModelConfig
    spec: ModelSpec
    backend: Backend

    @property
    def label(self) -> str:
        return self.spec.label

    def request(self, case: Case, sample: int) -> Request:
        cfg = self.config
        return Request(
            messages=case.messages,
            model=self.spec.model,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            sample=sample,
            seed=None if cfg.seed is None else cfg.seed + sample,
            top_p=cfg.top_p,
            repeat_penalty=cfg.repeat_penalty,
            response_schema=case.response_schema,
            meta={
                "case_id": case.id,
                "scenario_id": case.scenario_id,
                "groups": dict(case.groups),
                "gold": dict(case.gold),
            },
        )


def prepare_models(configs: Sequence[ModelConfig]) -> list[ModelRun]:
    """Parse every spec and build every backend before any call, so that a bad spec or a
    missing SDK stops the run before money is spent."""
    runs = []
    for cfg in configs:
        spec = parse_spec(cfg.spec)
        runs.append(ModelRun(cfg, spec, create_backend(spec)))
    return runs


async def _attempt(run: ModelRun, request: Request) -> Response:
    try:
        return await asyncio.wait_for(run.backend.complete(request), run.config.timeout_s)
    except TimeoutError:
        return Response(Status.timeout, error=f"no answer within {run.config.timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - every SDK failure becomes a typed status
        status = run.backend.classify(exc)
        return Response(status, error=redact(f"{type(exc).__name__}: {exc}")[:500])


async def _call_with_retries(run: ModelRun, request: Request) -> tuple[Response, int]:
    attempts = 0
    while True:
        attempts += 1
        response = await _attempt(run, request)
        if response.status not in RETRYABLE or attempts >= run.config.max_attempts:
            return response, attempts
        delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempts - 1))
        await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not crypto


async def _run_model(
    run: ModelRun,
    cases: Sequence[Case],
    samples: int,
    store: ResponseStore,
    on_answer: Callable[[Answer], None],
) -> list[Answer]:
    identity = run.backend.cache_identity()
    answers: list[Answer] = []
    queue: asyncio.Queue[tuple[Case, Request, str]] = asyncio.Queue()
    for case in cases:
        for sample in range(samples):
            request = run.request(case, sample)
            key = request.cache_key(identity)
            hit = store.get(key)
            if hit is not None:
                answer = Answer(run.label, case.id, sample, hit, cached=True, attempts=0)
                answers.append(answer)
                on_answer(answer)
            else:
                queue.put_nowait((case, request, key))

    async def worker() -> None:
        while not queue.empty():
            case, request, key = queue.get_nowait()
            start = time.perf_counter()
            response, attempts = await _call_with_retries(run, request)
            if response.latency_s == 0.0:
                response = replace(response, latency_s=time.perf_counter() - start)
            store.put(
                key,
                backend=run.spec.backend,
                model=run.spec.model,
                case_id=case.id,
                request=request,
                response=response,
            )
            answer = Answer(run.label, case.id, request.sample, response, False, attempts)
            answers.append(answer)
            on_answer(answer)

    n_workers = min(run.config.concurrency, run.backend.max_concurrency, max(queue.qsize(), 1))
    await asyncio.gather(*(worker() for _ in range(n_workers)))
    return answers


async def _run_all(
    runs: Sequence[ModelRun],
    cases: Sequence[Case],
    samples: int,
    store: ResponseStore,
    on_answer: Callable[[Answer], None],
) -> list[Answer]:
    try:
        per_model = await asyncio.gather(
            *(_run_model(run, cases, samples, store, on_answer) for run in runs)
        )
    finally:
        for run in runs:
            await run.backend.aclose()
    return [a for answers in per_model for a in answers]


def run_cases(
    runs: Sequence[ModelRun],
    cases: Sequence[Case],
    *,
    samples: int,
    store: ResponseStore,
    on_answer: Callable[[Answer], None] = lambda _: None,
) -> list[Answer]:
    """Unique cases only: a reference shared by several counterfactual sets is asked once."""
    unique = list({c.id: c for c in cases}.values())
    return asyncio.run(_run_all(runs, unique, samples, store, on_answer))
