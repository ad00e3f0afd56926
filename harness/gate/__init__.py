"""Gates: the verdicts and baseline comparisons that pass or fail a build."""

from harness.gate.baseline import (
    BASELINE_SUFFIX,
    DEFAULT_TOLERANCE,
    Baseline,
    BaselineEntry,
    Regression,
    baseline_from_scorecard,
    baseline_path,
    compare_to_baseline,
    load_baseline,
    pair_models,
    regression_of,
    save_baseline,
)
from harness.gate.gate import GateResult, JudgedVerdict, describe_verdict, gate_scorecard
from harness.gate.locate import read_run, scorecard_path
from harness.gate.metric_kinds import higher_is_worse
from harness.gate.suite_run import SuiteRun, recorded_names
from harness.gate.summary import gate_markdown
from harness.gate.thresholds import GateThresholds, load_thresholds

__all__ = [
    "BASELINE_SUFFIX",
    "DEFAULT_TOLERANCE",
    "Baseline",
    "BaselineEntry",
    "GateResult",
    "GateThresholds",
    "JudgedVerdict",
    "Regression",
    "SuiteRun",
    "baseline_from_scorecard",
    "baseline_path",
    "compare_to_baseline",
    "describe_verdict",
    "gate_markdown",
    "gate_scorecard",
    "higher_is_worse",
    "load_baseline",
    "load_thresholds",
    "pair_models",
    "read_run",
    "recorded_names",
    "regression_of",
    "save_baseline",
    "scorecard_path",
]
