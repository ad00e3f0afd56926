"""What a metric's name says about it: which way is worse, and whether its verdict judged the
interval after taking the noise floor off.

    flip_rate:<decision>        flip sensitivity (sibling minus noise): higher is worse; the
                                noise floor is already taken off the value
    rate:decision:<d>=<value>   largest rate difference across groups: higher is worse; the
    rate:finding:<category>     verdict takes the noise floor off the interval
    rate:outcome:<error|...>    (error and refusal rates count here too)
    accuracy:<decision>         largest gap in accuracy against the gold decision: higher is
                                worse; judged like a rate difference

Every disparity the scorecard judges today is "higher is worse". A metric kind where higher is
better (a similarity score, say) goes in LOWER_IS_WORSE, so that baselines compare it the right
way round."""

from __future__ import annotations

from typing import Final

__all__ = [
    "LOWER_IS_WORSE",
    "NOISE_ALREADY_OFF",
    "higher_is_worse",
    "metric_kind",
    "subtracts_noise",
]

LOWER_IS_WORSE: Final[frozenset[str]] = frozenset({"similarity"})
NOISE_ALREADY_OFF: Final[frozenset[str]] = frozenset({"flip_rate"})


def metric_kind(metric: str) -> str:
    """`flip_rate:triage` -> `flip_rate`; `rate:decision:triage=urgent` -> `rate`."""
    return metric.split(":", 1)[0]


def higher_is_worse(metric: str) -> bool:
    return metric_kind(metric) not in LOWER_IS_WORSE


def subtracts_noise(metric: str) -> bool:
    """Whether the verdict judges the interval minus the noise floor (as
    harness.metrics.verdicts does for every kind but flip sensitivity)."""
    return metric_kind(metric) not in NOISE_ALREADY_OFF
