"""Decision extraction accuracy on labeled answers, per decision, with counts.

python bench/extraction_accuracy.py [PATH ...] [--misses]

Each PATH is a labeled file: items with a `decisions` mapping (tests/data/labeled/*.yaml) or
with a top-level `triage` (tests/data/labeled_answers.yaml). `unknown` counts as wrong where the
label is not `unknown`. Targets: triage 0.95, every other decision 0.90; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from harness.extract import extract_decisions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "data" / "labeled" / "decisions.yaml"
TARGETS = {"triage": 0.95}
DEFAULT_TARGET = 0.90


def labels(item: dict[str, Any]) -> dict[str, str]:
    if "decisions" in item:
        return {k: str(v) for k, v in item["decisions"].items()}
    return {"triage": str(item["triage"])}


def score(path: Path, *, show_misses: bool) -> bool:
    answers: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    unknown: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    for item in answers:
        gold = labels(item)
        got = extract_decisions(item["text"], list(gold))
        for name, value in gold.items():
            total[name] += 1
            right[name] += got[name] == value
            unknown[name] += got[name] == "unknown" != value
            if show_misses and got[name] != value:
                print(f"  miss {item['id']}: {name} = {got[name]!r}, label {value!r}")
    elapsed = time.perf_counter() - start
    print(
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(answers)} answers"
    )
    ok = True
    for name in sorted(total, key=lambda n: (n != "triage", n)):
        accuracy = right[name] / total[name]
        target = TARGETS.get(name, DEFAULT_TARGET)
        mark = "ok" if accuracy >= target else "BELOW TARGET"
        ok &= accuracy >= target
        print(
            f"  {name:<14} {accuracy:6.3f}  ({right[name]}/{total[name]}, "
            f"{unknown[name]} wrongly unknown)  target {target:.2f}  {mark}"
        )
    print(f"  {elapsed * 1000 / max(len(answers), 1):.2f} ms per answer")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--misses", action="store_true", help="list every wrong extraction")
    args = parser.parse_args()
    extract_decisions("Rest at home.", ["triage", "tests", "dose"])  # compile the lexicons once
    results = [score(p.resolve(), show_misses=args.misses) for p in args.paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
