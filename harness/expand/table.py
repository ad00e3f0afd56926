"""The case table (JSONL or CSV) and the per-scenario, per-axis counts."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from harness.errors import InputError
from harness.expand.case import Case

__all__ = ["CaseCounts", "count_cases", "write_case_table"]

CaseCounts = dict[tuple[str, str], Counter[str]]


def count_cases(cases: Sequence[Case]) -> CaseCounts:
    counts: CaseCounts = {}
    for case in cases:
        counts.setdefault((case.scenario_id, case.axis), Counter())[case.kind] += 1
    return counts


def write_case_table(cases: Sequence[Case], out: Path) -> None:
    rows = [c.as_row() for c in cases]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif out.suffix == ".csv":
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["case_id"])
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "groups": json.dumps(row["groups"])})
    else:
        raise InputError(out, "--out", "the case table must end in .jsonl or .csv")
