"""The embedded default: the demo suite shipped with the package (in a wheel, copied under
harness/_bundled/; in a source checkout, the repository's own scenarios/ folder)."""

from __future__ import annotations

from pathlib import Path

from harness.errors import InputError

__all__ = ["DEFAULT_SUITE_NAME", "default_suite_path"]

DEFAULT_SUITE_NAME = "demo.yaml"


def default_suite_path() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (
        package / "_bundled" / "scenarios" / DEFAULT_SUITE_NAME,
        package.parent / "scenarios" / DEFAULT_SUITE_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise InputError(None, "SUITE", "no suite given and the bundled demo suite is missing")
