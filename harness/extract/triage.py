"""Decisions from an answer: the structured JSON first, then an explicit label ("Triage:
urgent"), then the free text.

Free-text triage rule: the most urgent recommendation that is neither negated ("you do not need
the emergency department") nor conditional ("if it gets worse, go to the ER"); conditional ones
count only when there is nothing else, and "unknown" when there is nothing at all. A conditional
is a clause holding a cue ("if", "unless", "warning signs", ...), or a whole clause that opens
with one ("If the pain spreads, call 911").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import Field, field_validator

from harness.detect.lexicon import compile_fragments, compile_pattern, load_lexicon, require
from harness.detect.matcher import Matcher
from harness.detect.negation import TRIAGE, Context, normalize, sentence_spans
from harness.extract.structured import answer_text, parse_structured
from harness.suite.axis import Provenance, StrictModel
from harness.suite.decisions import DECISION_VALUES, TRIAGE_ORDER, UNKNOWN

__all__ = ["extract_decisions"]

class TriageLexicon(StrictModel):
    provenance: Provenance
    terms: dict[str, list[str]] = {}
    levels: dict[str, list[str]]
    conditional: list[str] = Field(min_length=1)
    not_conditional: list[str] = []

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, levels: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(levels) != set(TRIAGE_ORDER):
            raise ValueError(f"levels must be exactly {', '.join(TRIAGE_ORDER)}")
        return levels


@dataclass(frozen=True)
class _TriageRules:
    levels: tuple[tuple[str, Matcher], ...]
    conditional: Matcher
    not_conditional: Matcher | None


@cache
def _rules() -> _TriageRules:
    file, lex = load_lexicon("triage.yaml", TriageLexicon)
    levels = []
    for level in TRIAGE_ORDER:
        regex = compile_fragments(lex.levels[level], lex.terms, file, f"levels.{level}")
        if regex is not None:
            levels.append((level, regex))
    conditional = require(
        compile_fragments(lex.conditional, lex.terms, file, "conditional"), file, "conditional"
    )
    return _TriageRules(
        levels=tuple(levels),
        conditional=conditional,
        not_conditional=compile_fragments(lex.not_conditional, lex.terms, file, "not_conditional"),
    )


@dataclass(frozen=True)
class Recommendation:
    level: str
    start: int
    end: int
    negated: bool
    conditional: bool


def recommendations(text: str) -> list[Recommendation]:
    """Every triage recommendation in free text, with its negation and condition."""
    text = normalize(text)
    rules = _rules()
    found = [
        (level, m.start(), m.end()) for level, regex in rules.levels for m in regex.finditer(text)
    ]
    if not found:
        return []
    context = Context(text)
    conditional = conditional_spans(text, rules.conditional, rules.not_conditional)
    return sorted(
        (
            Recommendation(
                level=level,
                start=s,
                end=e,
                negated=context.negated(s, TRIAGE),
                conditional=any(cs <= s < ce for cs, ce in conditional),
            )
            for level, s, e in found
        ),
        key=lambda r: r.start,
    )


def triage_from_text(text: str) -> str:
    recs = [r for r in recommendations(text) if not r.negated]
    for pool in ([r for r in recs if not r.conditional], recs):
        if pool:
            return min((r.level for r in pool), key=TRIAGE_ORDER.index)
    return UNKNOWN


def _canonical(value: object, allowed: Sequence[str]) -> str | None:
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return key if key in allowed else None


def _from_structured(data: dict[str, Any] | None, name: str, allowed: Sequence[str]) -> str | None:
    if data is None:
        return None
    for key, value in data.items():
        if re.sub(r"\W+", "_", str(key).strip().lower()) in (name, f"{name}_level"):
            return _canonical(value, allowed)
    return None


@cache
def _label(name: str) -> Matcher:
    values = "|".join(v.replace("_", r"[\s_-]?") for v in DECISION_VALUES[name])
    words = name.replace("_", r"[\s_-]?")
    return compile_pattern(
        rf"\b{words}(?:[\s_-]+(?:level|decision|category|disposition|recommendation))?"
        rf"[*\s]*[:=\-][*\s]*[\"'`]?({values})\b",
        "(built in)",
        f"label.{name}",
    )


def _from_label(prose: str, name: str, allowed: Sequence[str]) -> str | None:
    found = [m.group(1) for m in _label(name).finditer(normalize(prose))]
    return _canonical(found[-1], allowed) if found else None  # the last label is the verdict


_FREE_TEXT = {"triage": triage_from_text}


def extract_decisions(text: str, decisions: Sequence[str]) -> dict[str, str]:
    """Each named decision's value, "unknown" when the answer commits to none."""
    data = parse_structured(text)
    prose = answer_text(text)
    out: dict[str, str] = {}
    for name in decisions:
        if name not in DECISION_VALUES:
            raise ValueError(f"unknown decision {name!r}; known: {', '.join(DECISION_VALUES)}")
        allowed = DECISION_VALUES[name]
        value = _from_structured(data, name, allowed) or _from_label(prose, name, allowed)
        if value is None and name in _FREE_TEXT:
            value = _FREE_TEXT[name](prose)
        out[name] = value or UNKNOWN
    return out
