"""The async runner: plan (cache lookups, estimates), then calls under limits and a budget."""

from harness.run.answer import Answer
from harness.run.limits import Budget, TokenBucket
from harness.run.model_run import ModelRun, estimate_input_tokens, prepare_models
from harness.run.plan import CallPlan, ModelEstimate, PendingCall, plan_calls
from harness.run.pricing import Price, price_for
from harness.run.runner import BudgetExceeded, WorkerFailed, connect, execute_plan
from harness.run.shards import shard_counts

__all__ = [
    "Answer",
    "Budget",
    "BudgetExceeded",
    "CallPlan",
    "ModelEstimate",
    "ModelRun",
    "PendingCall",
    "Price",
    "TokenBucket",
    "WorkerFailed",
    "connect",
    "estimate_input_tokens",
    "execute_plan",
    "plan_calls",
    "prepare_models",
    "price_for",
    "shard_counts",
]
