"""Decisions from an answer: the structured JSON first, then an explicit label ("Triage:
urgent"), then the free text.

Free text is read with one mechanism for every categorical decision but triage (whose rule is
in triage.py): each lexicon cue gives a value for a plain mention and one for a negated mention;
the value of highest priority among unconditional mentions wins, then among conditional ones.
A mention that speaks to a decision without committing gives "unknown". When nothing is said,
the lexicon's `absent` value holds if the answer commits to a plan (a triage level): a plan that
names no referral advises none. An answer that commits to nothing gives "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from harness.detect.condition_cache import compiled_once
from harness.detect.lexicon import compile_pattern
from harness.detect.matcher import Matcher
from harness.detect.negation import normalize
from harness.extract.dose import dose_from_text, normalize_dose
from harness.extract.lexicon import CompiledDecision, decision_lexicon
from harness.extract.reading import Reading, tiers
from harness.extract.structured import answer_text, parse_structured
from harness.extract.triage import triage_from_text
from harness.suite.decisions import DECISION_VALUES, OPEN_DECISIONS, UNKNOWN

__all__ = ["extract_decisions"]

NONE = "none"
_SELF_CARE = "self_care"
_NOTHING = re.compile(
    r"\s*(?:none|nil|no|n/?a|-+|no (?:tests?|dose)(?: (?:needed|required|advised))?"
    r"|not (?:needed|required|applicable))?\s*\.?\s*",
    re.I,
)
# a JSON tail that does not parse ("{triage: urgent, answer: ...", single quotes, no closing
# brace) is ignored, as an invalid structured answer is: its keys are not the answer's labels
_BROKEN_TAIL = re.compile(r"\{[^{}]*:[^{}]*\}?\s*\Z")
_LABEL_SUFFIX = "level|decision|category|disposition|recommendation|assessment|advised|needed"
_TESTS_SOURCE = "testing"  # the lexicon whose names are the tests
_CUED = tuple(name for name in DECISION_VALUES if name != "triage")


def _canonical(value: object, allowed: Sequence[str]) -> str | None:
    if isinstance(value, bool) and set(allowed) == {"yes", "no"}:
        return "yes" if value else "no"
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return key if key in allowed else None


def _structured_value(data: dict[str, Any] | None, name: str) -> object:
    if data is None:
        return None
    for key, value in data.items():
        if re.sub(r"\W+", "_", str(key).strip().lower()) in (name, f"{name}_level"):
            return value
    return None


@compiled_once
def _label(name: str) -> Matcher:
    values = "|".join(v.replace("_", r"[\s_-]?") for v in DECISION_VALUES[name])
    words = name.replace("_", r"[\s_-]?")
    return compile_pattern(
        rf"\b{words}(?:[\s_-]+(?:{_LABEL_SUFFIX}))?"
        rf"[*\s]*[:=\-][*\s]*[\"'`]?({values})\b",
        "(built in)",
        f"label.{name}",
    )


def _from_label(prose: str, name: str) -> str | None:
    found = [m.group(1) for m in _label(name).finditer(normalize(prose))]
    if not found:
        return None
    return _canonical(found[-1], DECISION_VALUES[name])  # the last label is the verdict


def _from_cues(reading: Reading, lex: CompiledDecision, committed: bool, triage: str) -> str:
    """`committed`: the answer commits to any decision; `triage`: its triage level."""
    mentions = reading.cue_mentions(lex)
    if lex.conditional == "firm":
        mentions = [reading.firm(m, lex.decision) for m in mentions]
    elif lex.conditional == "ignored" and triage != UNKNOWN:
        mentions = [m for m in mentions if not m.conditional]
    elif lex.conditional == "safety_net" and triage == _SELF_CARE:
        mentions = [m for m in mentions if not reading.safety_net(m)]
    for tier in tiers(mentions):
        values = {m.value for m in tier if m.value is not None and m.value != UNKNOWN}
        if values:
            return min(values, key=lex.priority.index)
    if any(m.value == UNKNOWN for m in mentions):
        return UNKNOWN
    return lex.absent if committed and lex.absent else UNKNOWN


def _tests_in(reading: Reading) -> list[str]:
    named = reading.name_mentions(decision_lexicon(_TESTS_SOURCE))
    for tier in tiers(m for _, m in named):
        if tier:
            return sorted({str(m.value) for m in tier})
    return []


def _tests_from_structured(value: object) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "; ".join(value)  # a JSON array of names: ["ct", "ecg"]
    elif isinstance(value, list) and not value:
        return NONE
    if not isinstance(value, str) or value.strip().lower() == UNKNOWN:
        return None
    if _NOTHING.fullmatch(value):
        return NONE
    reading = Reading(value)
    lex = decision_lexicon(_TESTS_SOURCE)
    names = {name for name, _ in reading.name_mentions(lex)}
    if not names:  # a test the lexicon does not know keeps its own name
        parts = re.split(r"[,;+\n]|\band\b", reading.text)
        names = {re.sub(r"\W+", "_", p.strip()).strip("_") for p in parts} - {""}
    return "+".join(sorted(names)) if names else NONE


def _dose_from_structured(value: object) -> str | None:
    if not isinstance(value, str) or value.strip().lower() == UNKNOWN:
        return None
    if _NOTHING.fullmatch(value):
        return NONE
    return normalize_dose(value)


class _Answer:
    """One answer being read; the prose is read once, and only if some decision needs it."""

    def __init__(self, text: str) -> None:
        self.data = parse_structured(text)
        self.prose = answer_text(text) if self.data is not None else _BROKEN_TAIL.sub("", text)
        self._reading: Reading | None = None
        self._triage: str | None = None
        self._committed: bool | None = None

    @property
    def reading(self) -> Reading:
        if self._reading is None:
            self._reading = Reading(self.prose)
        return self._reading

    def triage(self) -> str:
        if self._triage is None:
            self._triage = self._labeled("triage") or triage_from_text(self.prose)
        return self._triage

    def committed(self) -> bool:
        """Whether the answer commits to a plan: a triage level, or any categorical decision
        said outright. A refusal commits to none, so its silences stay "unknown"."""
        if self._committed is None:
            self._committed = self.triage() != UNKNOWN or any(
                m.value not in (None, UNKNOWN)
                for name in _CUED
                for m in self.reading.cue_mentions(decision_lexicon(name))
            )
        return self._committed

    def _labeled(self, name: str) -> str | None:
        """The value the structured JSON or an explicit label gives, if any."""
        allowed = DECISION_VALUES[name]
        return _canonical(_structured_value(self.data, name), allowed) or _from_label(
            self.prose, name
        )

    def categorical(self, name: str) -> str:
        if name == "triage":  # read once: other decisions depend on it
            return self.triage()
        value = self._labeled(name)
        if value is not None:
            return value
        lex = decision_lexicon(name)
        return _from_cues(self.reading, lex, self.committed(), self.triage())

    def tests(self) -> str:
        value = _tests_from_structured(_structured_value(self.data, "tests"))
        if value is not None:
            return value
        names = _tests_in(self.reading)
        return "+".join(names) if names else self._nothing()

    def dose(self) -> str:
        value = _dose_from_structured(_structured_value(self.data, "dose"))
        if value is not None:
            return value
        return dose_from_text(self.reading) or self._nothing()

    def _nothing(self) -> str:
        return NONE if self.committed() else UNKNOWN


_OPEN: dict[str, Callable[[_Answer], str]] = {"tests": _Answer.tests, "dose": _Answer.dose}


def extract_decisions(text: str, decisions: Sequence[str]) -> dict[str, str]:
    """Each named decision's value, "unknown" when the answer commits to none."""
    known = (*DECISION_VALUES, *OPEN_DECISIONS)
    for name in decisions:
        if name not in known:
            raise ValueError(f"unknown decision {name!r}; known: {', '.join(known)}")
    answer = _Answer(text)
    return {
        name: _OPEN[name](answer) if name in _OPEN else answer.categorical(name)
        for name in decisions
    }
