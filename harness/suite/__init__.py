"""Suite files: YAML -> validated pydantic models, axis files, and the Jinja2 sandbox."""

from harness.suite.axis import Axis, AxisValue, Provenance
from harness.suite.bundled import default_suite_path
from harness.suite.decisions import DECISION_VALUES, TRIAGE_ORDER, UNKNOWN
from harness.suite.loader import LoadedSuite, load_axis, load_suite
from harness.suite.model import DEFAULT_MODEL, Design, ModelConfig, Scenario, Suite, Thresholds
from harness.suite.templates import TemplateRenderer

__all__ = [
    "DECISION_VALUES",
    "DEFAULT_MODEL",
    "TRIAGE_ORDER",
    "UNKNOWN",
    "Axis",
    "AxisValue",
    "Design",
    "LoadedSuite",
    "ModelConfig",
    "Provenance",
    "Scenario",
    "Suite",
    "TemplateRenderer",
    "Thresholds",
    "default_suite_path",
    "load_axis",
    "load_suite",
]
