"""Metrics: the answer table, consistency against the noise floor, disparity, verdicts, and the
Scorecard they fill in."""

from harness.metrics.answers import ERROR, answer_rows
from harness.metrics.build import build_scorecard
from harness.metrics.scorecard import (
    SCHEMA_VERSION,
    AxisCard,
    Estimate,
    GroupStats,
    ModelCard,
    RateDisparity,
    Scorecard,
    ThreeWay,
    Verdict,
    VerdictKind,
)

__all__ = [
    "ERROR",
    "SCHEMA_VERSION",
    "AxisCard",
    "Estimate",
    "GroupStats",
    "ModelCard",
    "RateDisparity",
    "Scorecard",
    "ThreeWay",
    "Verdict",
    "VerdictKind",
    "answer_rows",
    "build_scorecard",
]
