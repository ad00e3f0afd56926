"""Each stage's public names are pinned: a change to __all__ is a change to the API."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "harness.suite",
    "harness.expand",
    "harness.backends",
    "harness.run",
    "harness.store",
    "harness.detect",
    "harness.extract",
    "harness.metrics",
    "harness.report",
    "harness.gate",
    "harness.history",
    "harness.importers",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported, f"{name} exports nothing"
    assert len(set(exported)) == len(exported)
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names missing {attr}"


def test_backend_contract_is_stable() -> None:
    from harness import backends

    assert backends.__all__ == [
        "BUILTIN_BACKENDS",
        "ENTRY_POINT_GROUP",
        "RETRYABLE",
        "Backend",
        "ModelSpec",
        "Request",
        "Response",
        "Status",
        "backend_names",
        "create_backend",
        "parse_spec",
    ]
