"""Metrics: the answer table, consistency against the noise floor, disparity, paired tests,
power, verdicts, and the Scorecard they fill in.

Names load on first use (PEP 562), so that `harness plan` reaches the power functions without
importing pandas and the detectors."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.metrics.answers import ERROR, answer_rows
    from harness.metrics.build import build_scorecard
    from harness.metrics.scorecard import (
        SCHEMA_VERSION,
        AxisCard,
        Estimate,
        FlipDirection,
        GroupStats,
        ModelCard,
        RateDisparity,
        Scorecard,
        ThreeWay,
        Verdict,
        VerdictKind,
    )

_HOME = {
    "ERROR": "answers",
    "answer_rows": "answers",
    "build_scorecard": "build",
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "AxisCard",
            "Estimate",
            "FlipDirection",
            "GroupStats",
            "ModelCard",
            "RateDisparity",
            "Scorecard",
            "ThreeWay",
            "Verdict",
            "VerdictKind",
        ),
        "scorecard",
    ),
}

__all__ = [
    "ERROR",
    "SCHEMA_VERSION",
    "AxisCard",
    "Estimate",
    "FlipDirection",
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


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'harness.metrics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"harness.metrics.{_HOME[name]}"), name)
