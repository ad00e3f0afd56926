"""Finding a run's scorecard.json from what a user types: a run folder, the file itself, or a
run id under the results folder."""

from __future__ import annotations

from pathlib import Path

from harness.errors import InputError
from harness.metrics.scorecard import Scorecard
from harness.report import load_scorecard

__all__ = ["NO_SUCH_RUN", "read_run", "scorecard_path"]

NO_SUCH_RUN = "no scorecard.json here: give a run folder, its scorecard.json, or a run id"


def scorecard_path(run: str | Path, results: Path) -> Path:
    given = Path(run)
    for candidate in (given, given / "scorecard.json", results / given / "scorecard.json"):
        if candidate.is_file():
            return candidate
    raise InputError(given, "RUN", f"{NO_SUCH_RUN} under {results}")


def read_run(run: str | Path, results: Path) -> Scorecard:
    return load_scorecard(scorecard_path(run, results))
