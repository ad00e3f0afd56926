"""Before any call: which answers the store already has, what is left to ask, and what that
will cost at most (`harness run --dry-run`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.backends import Request
from harness.expand import Case
from harness.run.answer import Answer
from harness.run.model_run import ModelRun, estimate_input_tokens
from harness.store import ResponseStore

__all__ = ["CallPlan", "ModelEstimate", "PendingCall", "plan_calls"]


@dataclass(frozen=True)
class PendingCall:
    run: ModelRun
    case: Case
    request: Request
    key: str


@dataclass(frozen=True)
class ModelEstimate:
    model: str
    cached: int
    calls: int
    input_tokens: int
    max_output_tokens: int
    max_cost_usd: float | None  # None: no known price


@dataclass(frozen=True)
class CallPlan:
    hits: list[Answer]
    pending: list[PendingCall]

    def estimates(self, runs: Sequence[ModelRun]) -> list[ModelEstimate]:
        out = []
        for run in runs:
            mine = [p for p in self.pending if p.run is run]
            worst = [run.worst_cost(p.request) for p in mine]
            out.append(
                ModelEstimate(
                    model=run.label,
                    cached=sum(a.model == run.label for a in self.hits),
                    calls=len(mine),
                    input_tokens=sum(estimate_input_tokens(p.request) for p in mine),
                    max_output_tokens=sum(p.request.max_tokens for p in mine),
                    max_cost_usd=None if None in worst else sum(w or 0.0 for w in worst),
                )
            )
        return out


def plan_calls(
    runs: Sequence[ModelRun], cases: Sequence[Case], *, samples: int, store: ResponseStore
) -> CallPlan:
    """Unique cases only: a reference shared by several counterfactual sets is asked once."""
    unique = list({c.id: c for c in cases}.values())
    hits: list[Answer] = []
    pending: list[PendingCall] = []
    for run in runs:
        identity = run.backend.cache_identity()
        for case in unique:
            for sample in range(samples):
                request = run.request(case, sample)
                key = request.cache_key(identity)
                hit = store.get(key)
                if hit is None:
                    pending.append(PendingCall(run, case, request, key))
                else:
                    hits.append(Answer(run.label, case.id, sample, hit, cached=True, attempts=0))
    return CallPlan(hits, pending)
