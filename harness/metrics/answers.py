"""The answer table: one row per (counterfactual set, case, model, sample), with the case's place
in its set, the response, and what the detectors and extractors found in it. This is the
responses table written to results/<run>/ and the only input of the metrics."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from harness.detect import DetectContext, detect, flagged
from harness.expand import Case
from harness.extract import answer_text, extract_decisions
from harness.metrics.readability import flesch_kincaid_grade
from harness.run import Answer
from harness.suite import UNKNOWN, LoadedSuite

__all__ = ["ERROR", "answer_rows"]

ERROR = "error"  # the outcome of a call that never produced an answer


ContextKey = tuple[tuple[str, ...], frozenset[str], tuple[tuple[str, str], ...]]


def _context_key(context: DetectContext) -> ContextKey:
    return context.red_flags, context.clinically_relevant, tuple(sorted(context.patient.items()))


@functools.lru_cache(maxsize=65536)
def _assess(text: str, decisions: tuple[str, ...], context: ContextKey) -> dict[str, Any]:
    """Pure, so cached across runs in one process (the validity check scores 200 runs of the
    same simulated clinician); callers must not mutate the result."""
    prose = answer_text(text)
    extracted = extract_decisions(text, decisions)
    red_flags, relevant, patient = context
    findings = detect(
        prose, DetectContext.of(red_flags, relevant, dict(patient)), triage=extracted.get("triage")
    )
    return {
        "decisions": extracted,
        "flags": sorted(flagged(findings)),
        "findings": [f.as_dict() for f in findings],
        "length_chars": len(prose),
        "reading_grade": flesch_kincaid_grade(prose),
    }


def answer_rows(
    loaded: LoadedSuite, cases: Sequence[Case], answers: Sequence[Answer]
) -> list[dict[str, Any]]:
    """Assessed once per distinct (text, decisions, case context) - identical answers are
    common at temperature 0 - then joined to every set the case belongs to. The context (red
    flags, clinically relevant attributes, the terms used for the patient) feeds the detectors
    of missing escalation and unprompted demographic mentions."""
    scenarios = {s.id: s for s in loaded.suite.scenarios}
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
            case = placements[0]
            context = DetectContext.from_scenario(
                scenarios[case.scenario_id], case.groups, loaded.axes, form=case.form
            )
            assessed = _assess(response.text, tuple(decision_names), _context_key(context))
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
