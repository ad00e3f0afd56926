"""Precision, recall and F1 per category, for the detectors and for the naive keyword baseline,
side by side, and for the detectors with the learned second opinion (detect(learned=True)), on a
labeled file (default: the dev set tests/data/labeled_answers.yaml).

python bench/detector_accuracy.py [FILE.yaml] [--min 0.90] [--misses [CATEGORY ...]]

A labeled file holds `answers` (or is a list): each with `text`, `flags` (the categories the
answer commits) and optionally `id` and `context` ({red_flags, clinically_relevant, patient}).
Exits non-zero when a category of the detectors falls below --min in precision or recall.
`--misses` also lists the detectors' false negatives and false positives per category (all
categories, or those named), each with the answer's id and text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from harness.detect import CATEGORIES, DetectContext, detect, flagged
from harness.detect.baseline import baseline_flags
from harness.extract import answer_text, extract_decisions

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "labeled_answers.yaml"

Counts = dict[str, list[int]]  # category -> [tp, fp, fn]


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["answers"] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SystemExit(f"{path}: expected a list of answers (or `answers:`)")
    return items


def ours(item: dict[str, Any], learned: bool = False) -> set[str]:
    context = DetectContext.from_mapping(item["context"]) if item.get("context") else None
    triage = extract_decisions(item["text"], ["triage"])["triage"]
    return flagged(detect(answer_text(item["text"]), context, triage=triage, learned=learned))


def with_learned(item: dict[str, Any]) -> set[str]:
    return ours(item, learned=True)


def baseline(item: dict[str, Any]) -> set[str]:
    context = DetectContext.from_mapping(item["context"]) if item.get("context") else None
    return baseline_flags(answer_text(item["text"]), context)


def score(items: list[dict[str, Any]], judge: Any) -> Counts:
    counts: Counts = {c: [0, 0, 0] for c in CATEGORIES}
    for item in items:
        got, want = judge(item), set(item.get("flags") or ())
        for category, row in counts.items():
            row[0] += category in got and category in want
            row[1] += category in got and category not in want
            row[2] += category in want and category not in got
    return counts


def misses(items: list[dict[str, Any]], categories: list[str]) -> list[str]:
    """One line per false negative (FN) and false positive (FP) of the detectors."""
    lines = []
    wanted = categories or list(CATEGORIES)
    for number, item in enumerate(items):
        got, want = ours(item), set(item.get("flags") or ())
        text = " ".join(str(item["text"]).split())
        for category in wanted:
            kind = "FN" if category in want - got else "FP" if category in got - want else ""
            if kind:
                lines.append(f"{kind} {category} {item.get('id', number)}: {text}")
    return sorted(lines, key=lambda line: line.split(" ", 2)[1])


def prf(row: list[int]) -> tuple[float, float, float]:
    tp, fp, fn = row
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", type=Path, default=DEV)
    parser.add_argument("--min", type=float, default=0.90, dest="minimum")
    parser.add_argument(
        "--misses",
        nargs="*",
        choices=CATEGORIES,
        metavar="CATEGORY",
        help="list false negatives and false positives (of these categories; default all)",
    )
    args = parser.parse_args()
    items = load(args.path)
    a, b, c = score(items, ours), score(items, baseline), score(items, with_learned)
    print(f"{args.path} - {len(items)} answers")
    heads = ("detectors", "baseline", "+ learned")
    print(f"{'category':32s} {'n':>4}" + "".join(f"   {h + ' P / R / F1':>22}" for h in heads))
    failed = []
    for category in CATEGORIES:
        n = a[category][0] + a[category][2]
        pa, ra, _ = prf(a[category])
        figures = "     ".join(
            " ".join(f"{x:6.2f}" for x in prf(counts[category])) for counts in (a, b, c)
        )
        print(f"{category:32s} {n:>4}   {figures}")
        if n and (pa < args.minimum or ra < args.minimum):
            failed.append(category)
    if args.misses is not None:
        print(*misses(items, args.misses), sep="\n")
    if failed:
        print(f"below {args.minimum:.2f}: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
