"""A project holding the ci suite for the plugin tests (pytester itself is enabled in the
top-level conftest: pytest only reads `pytest_plugins` there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# pytester runs pytest in this process and unloads what each inner run imported; numpy cannot
# be loaded twice in one process, so the harness and what it imports lazily (scipy.special for
# the exact tests) are imported here, once, before any inner run.
import scipy.special  # noqa: F401

import harness.gate  # noqa: F401
import harness.pipeline  # noqa: F401

CI_SUITE = Path(__file__).parents[1] / "gate" / "data" / "ci"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with scenarios/ci.yaml (answered by sim:clinician) listed in harness_suites."""
    shutil.copytree(CI_SUITE, pytester.path / "scenarios")
    pytester.makeini(
        """
        [pytest]
        harness_suites = scenarios/*.yaml
        filterwarnings = error
        """
    )
    return pytester
