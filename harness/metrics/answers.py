"""The answer table: one row per (counterfactual set, case, model, sample), with the case's place
in its set, the response, and what the detectors and extractors found in it. This is the
responses table written to results/<run>/ and the only input of the metrics."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from harness.detect import detect, flagged
from harness.expand import Case
from harness.extract import answer_text, extract_decisions
from harness.metrics.readability import flesch_kincaid_grade
from harness.run import Answer
from harness.suite import UNKNOWN, Suite

__all__ = ["ERROR", "answer_rows"]

ERROR = "error"  # the outcome of a call that never produced an answer


@functools.lru_cache(maxsize=65536)
def _assess(text: str, decisions: tuple[str, ...]) -> dict[str, Any]:
    """Pure, so cached across runs in one process (the validity check scores 200 runs of the
    same simulated clinician); callers must not mutate the result."""
    prose = answer_text(text)
    findings = detect(prose)
    return {
        "decisions": extract_decisions(text, decisions),
        "flags": sorted(flagged(findings)),
        "findings": [f.as_dict() for f in findings],
        "length_chars": len(prose),
        "reading_grade": flesch_kincaid_grade(prose),
    }


def answer_rows(
    suite: Suite, cases: Sequence[Case], answers: Sequence[Answer]
) -> list[dict[str, Any]]:
    """Assessed once per distinct (text, decisions) - identical answers are common at
    temperature 0 - then joined to every set the case belongs to."""
    scenarios = {s.id: s for s in suite.scenarios}
    by_case: dict[str, list[Case]] = {}
    for case in cases:
        by_case.setdefault(case.id, []).append(case)
    rows: list[dict[str, Any]] = []
    for answer in answers:
        placements = by_case[answer.case_id]
        decision_names = scenarios[placements[0].scenario_id].decisions
        response = answer.response
        ok = response.status == "ok"
        if ok:
            assessed = _assess(response.text, tuple(decision_names))
        else:
            assessed = {
                "decisions": dict.fromkeys(decision_names, ERROR),
                "flags": [],
                "findings": [],
                "length_chars": None,
                "reading_grade": None,
            }
        for case in placements:
            rows.append(
                {
                    "model": answer.model,
                    "set_id": case.set_id,
                    "scenario_id": case.scenario_id,
                    "axis": case.axis,
                    "kind": case.kind,
                    "group": case.group,
                    "form": case.form,
                    "case_id": case.id,
                    "null_of": case.null_of,
                    "sample": answer.sample,
                    "status": str(response.status),
                    "error": response.error,
                    "cached": answer.cached,
                    "text": response.text,
                    "finish_reason": response.finish_reason,
                    "input_tokens": response.input_tokens,
                    "output_tokens": response.output_tokens,
                    "cost_usd": answer.cost_usd,
                    "attempts": answer.attempts,
                    "latency_s": response.latency_s,
                    "refused": "refusal" in assessed["flags"],
                    "unknown": any(v == UNKNOWN for v in assessed["decisions"].values()),
                    **assessed,
                }
            )
    return rows
