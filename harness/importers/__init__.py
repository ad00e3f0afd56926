"""Importers: published data sets, downloaded by the user, turned into suite files."""

from typing import Final

from harness.importers.discrimeval import read_discrimeval
from harness.importers.equitymedqa import read_equitymedqa
from harness.importers.omar import read_omar
from harness.importers.suite_writer import (
    ImportedScenario,
    ImportedSuite,
    split_variants,
    write_suite,
)

FORMATS: Final = ("equitymedqa", "omar", "discrimeval")

__all__ = [
    "FORMATS",
    "ImportedScenario",
    "ImportedSuite",
    "read_discrimeval",
    "read_equitymedqa",
    "read_omar",
    "split_variants",
    "write_suite",
]
