"""The thresholds file of `harness gate --thresholds FILE`: limits for the gate that differ from
the ones the suite ran with (stricter in CI, say), without running again.

    # gate.thresholds.yaml
    metrics:                        # pattern -> threshold (a rate difference or a flip rate)
      "flip_rate:*": 0.05           #   a metric name, globs allowed
      "rate:decision:*": 0.08
      "race::flip_rate:triage": 0.03            # axis::metric
      "openai:gpt-4o::race::rate:finding:*": 0.05  # model::axis::metric
    min_vignettes: 5                # optional: fewer gives insufficient_data
    alpha: 0.05                     # optional: a fail also needs p_value below this

The most specific pattern wins: model::axis::metric over axis::metric over metric, then an exact
name over a glob, then the longer pattern. Metrics no pattern matches keep the suite's threshold.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.errors import InputError
from harness.suite.yaml_file import read_yaml_mapping, validation_to_input_error

__all__ = ["BAD_PATTERN", "BAD_VALUE", "GateThresholds", "load_thresholds"]

_GLOB = set("*?[")
BAD_VALUE = "a threshold must be above 0 and at most 1"
BAD_PATTERN = "use metric, axis::metric or model::axis::metric"


class GateThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    metrics: dict[str, float] = Field(default_factory=dict)
    min_vignettes: int | None = Field(default=None, ge=1)
    alpha: float | None = Field(default=None, gt=0.0, lt=1.0)

    def threshold_for(self, model: str, axis: str, metric: str) -> float | None:
        """The threshold of the most specific matching pattern, or None if none matches."""
        targets = {1: metric, 2: f"{axis}::{metric}", 3: f"{model}::{axis}::{metric}"}
        best: tuple[int, int, int] | None = None
        found: float | None = None
        for pattern, value in self.metrics.items():
            parts = pattern.count("::") + 1
            target = targets.get(parts)
            if target is None or not fnmatchcase(target, pattern):
                continue
            rank = (parts, 0 if _GLOB & set(pattern) else 1, len(pattern))
            if best is None or rank > best:
                best, found = rank, value
        return found


def load_thresholds(path: Path) -> GateThresholds:
    data = read_yaml_mapping(path)
    try:
        thresholds = GateThresholds.model_validate(data)
    except ValidationError as exc:
        raise validation_to_input_error(path, exc) from None
    for pattern, value in thresholds.metrics.items():
        if not 0.0 < value <= 1.0:
            raise InputError(path, f"metrics.{pattern}", f"{BAD_VALUE} (got {value})")
        if pattern.count("::") > 2:
            raise InputError(path, f"metrics.{pattern}", BAD_PATTERN)
    return thresholds
