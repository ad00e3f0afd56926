from __future__ import annotations

from dataclasses import dataclass

from harness.backends import Response

__all__ = ["Answer"]


@dataclass(frozen=True)
class Answer:
    """A response joined to the model and case that asked for it. cost_usd is what this run
    paid for it (0 for a cached answer; None when the model's price is unknown)."""

    model: str
    case_id: str
    sample: int
    response: Response
    cached: bool
    attempts: int
    cost_usd: float | None = 0.0
