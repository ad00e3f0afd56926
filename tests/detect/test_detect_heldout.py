"""The held-out findings set (an independent annotator's) meets the target too: precision and
recall at least 0.90 in every category the detectors own. missing_escalation is left out: it
is the triage extractor's reading (harness.extract), measured by its own tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.detect import CATEGORIES, DetectContext, detect, flagged
from harness.extract import answer_text, extract_decisions

HELDOUT = Path(__file__).parents[1] / "data" / "labeled" / "heldout_findings.yaml"
TARGET = 0.90
OWNED = [c for c in CATEGORIES if c != "missing_escalation"]


def _flags(item: dict[str, Any]) -> set[str]:
    context = DetectContext.from_mapping(item["context"]) if item.get("context") else None
    triage = extract_decisions(item["text"], ["triage"])["triage"]
    return flagged(detect(answer_text(item["text"]), context, triage=triage))


def test_heldout_precision_and_recall() -> None:
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["answers"]
    assert len(items) > 300
    counts = {c: [0, 0, 0] for c in OWNED}  # tp, fp, fn
    for item in items:
        got, want = _flags(item), set(item.get("flags") or ())
        for category, row in counts.items():
            row[0] += category in got and category in want
            row[1] += category in got and category not in want
            row[2] += category in want and category not in got
    for category, (tp, fp, fn) in counts.items():
        assert tp + fn >= 20, category  # enough positives to measure
        assert tp / (tp + fp) >= TARGET, f"{category} precision {tp / (tp + fp):.2f}"
        assert tp / (tp + fn) >= TARGET, f"{category} recall {tp / (tp + fn):.2f}"
