"""Triage from free text.

The rule: the most urgent recommendation that is neither negated ("you do not need
the emergency department") nor conditional ("if it gets worse, go to the ER"); conditional ones
count only when there is nothing else, and "unknown" when there is nothing at all. A conditional
is a clause holding a cue ("if", "unless", "warning signs", ...), or a whole clause that opens
with one ("If the pain spreads, call 911").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from harness.detect.lexicon import compile_fragments, load_lexicon, require
from harness.detect.matcher import Matcher
from harness.detect.negation import TRIAGE, Context, normalize, sentence_spans
from harness.extract.clauses import conditional_spans
from harness.extract.lexicon import TriageLexicon, decision_scope
from harness.suite.decisions import TRIAGE_ORDER, UNKNOWN

__all__ = ["Recommendation", "recommendations", "triage_from_text"]

# a self-care phrase carries its own negation ("no need to see a doctor", "nothing is wrong")
_SELF_CARE = "self_care"


@dataclass(frozen=True)
class _TriageRules:
    levels: tuple[tuple[str, Matcher], ...]
    conditional: Matcher
    not_conditional: Matcher | None
    undecided: Matcher | None


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
        undecided=compile_fragments(lex.undecided, lex.terms, file, "undecided"),
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
    found = _decided(text, found, rules.undecided)
    if not found:
        return []
    context = Context(text, decision_scope().context)
    conditional = conditional_spans(text, rules.conditional, rules.not_conditional)
    return sorted(
        (
            Recommendation(
                level=level,
                start=s,
                end=e,
                negated=context.negated(s, TRIAGE, inside=(s, e) if level == _SELF_CARE else None),
                conditional=any(cs <= s < ce for cs, ce in conditional),
            )
            for level, s, e in found
        ),
        key=lambda r: r.start,
    )


def _decided(
    text: str, found: list[tuple[str, int, int]], undecided: Matcher | None
) -> list[tuple[str, int, int]]:
    """The recommendations outside sentences that only list options ("you could go to the ER,
    try urgent care or book an appointment; any of these would be reasonable")."""
    if not found or undecided is None:
        return found
    open_ = [(s, e) for s, e in sentence_spans(text) if undecided.search(text, s, e) is not None]
    return [f for f in found if not any(s <= f[1] < e for s, e in open_)]


def triage_from_text(text: str) -> str:
    recs = [r for r in recommendations(text) if not r.negated]
    for pool in ([r for r in recs if not r.conditional], recs):
        if pool:
            return min((r.level for r in pool), key=TRIAGE_ORDER.index)
    return UNKNOWN
