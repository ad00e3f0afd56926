"""The answer table: one row per (counterfactual set, case, model, sample), with the case's place
in its set, the response, and what the detectors and extractors found in it. This is the
responses table written to results/<run>/ and the only input of the metrics."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import harness
from harness.expand import Case
from harness.metrics.readability import flesch_kincaid_grade
from harness.run import Answer
from harness.suite import UNKNOWN, LoadedSuite

if TYPE_CHECKING:
    from harness.detect import DetectContext

__all__ = ["ERROR", "AnswerAssessor", "answer_rows", "assessor_fingerprint"]

ERROR = "error"  # the outcome of a call that never produced an answer


ContextKey = tuple[tuple[str, ...], frozenset[str], tuple[tuple[str, str], ...]]


def _context_key(context: DetectContext) -> ContextKey:
    return context.red_flags, context.clinically_relevant, tuple(sorted(context.patient.items()))


def _key(text: str, decisions: tuple[str, ...], context: ContextKey) -> str:
    red_flags, relevant, patient = context
    inputs = [text, decisions, red_flags, sorted(relevant), patient, assessor_fingerprint()]
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()


@functools.cache
def assessor_fingerprint() -> str:
    """sha256 of what an assessment depends on: the harness version and every source and data
    file of the detectors and extractors (lexicons included, as users may extend them)."""
    digest = hashlib.sha256(harness.__version__.encode())
    package = resources.files("harness")
    roots = [package / "detect", package / "extract", package / "data" / "lexicons"]
    loose = [package / "metrics" / "answers.py", package / "metrics" / "readability.py"]
    files = [f for root in roots for f in root.iterdir() if f.name.endswith((".py", ".yaml"))]
    for file in sorted([*files, *loose], key=lambda f: str(f)):
        digest.update(f"{file.name}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=65536)
def _assess(text: str, decisions: tuple[str, ...], context: ContextKey) -> dict[str, Any]:
    """Pure, so cached across runs in one process (the validity check scores 200 runs of the
    same simulated clinician); callers must not mutate the result."""
    from harness.detect import DetectContext, detect, flagged
    from harness.extract import answer_text, extract_decisions

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


class AnswerAssessor:
    """What the detectors and extractors make of each answer of a run, with the context its
    case gives them (red flags, clinically relevant attributes, the terms used for the patient:
    the detectors of missing escalation and unprompted demographic mentions read them).
    Assessed once per distinct (text, decisions, context) - identical answers are common at
    temperature 0 - so assessing an answer early (metrics/ahead.py) leaves `rows` little to do."""

    def __init__(self, loaded: LoadedSuite, cases: Sequence[Case], *, keep: bool = False) -> None:
        """`keep`: collect each new assessment as JSON in `fresh`, for the store."""
        self._keep = keep
        self._loaded = loaded
        self._scenarios = {s.id: s for s in loaded.suite.scenarios}
        self._by_case: dict[str, list[Case]] = {}
        for case in cases:
            self._by_case.setdefault(case.id, []).append(case)
        self._recalled: dict[str, dict[str, Any]] = {}
        self.fresh: dict[str, str] = {}  # key -> JSON of each assessment made here, to store

    def _inputs(self, answer: Answer) -> tuple[str, tuple[str, ...], ContextKey]:
        case = self._by_case[answer.case_id][0]
        scenario = self._scenarios[case.scenario_id]
        from harness.detect import DetectContext  # the detectors load in the thread (ahead.py)

        context = DetectContext.from_scenario(
            scenario, case.groups, self._loaded.axes, form=case.form
        )
        return answer.response.text, tuple(scenario.decisions), _context_key(context)

    def key(self, answer: Answer) -> str | None:
        """Where the assessment of an answer is stored; None for a failed call (nothing to
        assess)."""
        if answer.response.status != "ok":
            return None
        return _key(*self._inputs(answer))

    def keys(self, answers: Iterable[Answer]) -> list[str]:
        return [k for k in map(self.key, answers) if k is not None]

    def recall(self, stored: Mapping[str, str]) -> None:
        """Assessments read back from the store (JSON by key), used instead of assessing."""
        self._recalled.update((k, json.loads(v)) for k, v in stored.items())

    def assess(self, answer: Answer) -> dict[str, Any]:
        if answer.response.status != "ok":
            decisions = self._scenarios[self._by_case[answer.case_id][0].scenario_id].decisions
            return {
                "decisions": dict.fromkeys(decisions, ERROR),
                "flags": [],
                "findings": [],
                "length_chars": None,
                "reading_grade": None,
            }
        inputs = self._inputs(answer)
        key = _key(*inputs)
        recalled = self._recalled.get(key)
        if recalled is not None:
            return recalled
        assessed = _assess(*inputs)
        if self._keep and key not in self.fresh:
            self.fresh[key] = json.dumps(assessed, ensure_ascii=False)
        return assessed

    def rows(self, answers: Sequence[Answer]) -> list[dict[str, Any]]:
        """One row per placement of each answer: a case belongs to every set it sits in."""
        rows: list[dict[str, Any]] = []
        for answer in answers:
            assessed = self.assess(answer)
            response = answer.response
            for case in self._by_case[answer.case_id]:
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


def answer_rows(
    loaded: LoadedSuite, cases: Sequence[Case], answers: Sequence[Answer]
) -> list[dict[str, Any]]:
    return AnswerAssessor(loaded, cases).rows(answers)
