"""Triage from free text.

The rule: the most urgent recommendation that is neither negated ("you do not need
the emergency department") nor conditional ("if it gets worse, go to the ER"); conditional ones
count only when there is nothing else, and "unknown" when there is nothing at all. A conditional
is a clause holding a cue ("if", "unless", "warning signs", ...), or a whole clause that opens
with one ("If the pain spreads, call 911").

These refinements keep the rule from reading more, or other, advice than the answer gives:
- open choices and descriptions: a sentence that leaves the choice open ("it's hard to say"),
  an "either way is fine" that looks back on options of different levels, and a clause that
  describes services ("urgent care centres typically handle sprains") recommend nothing;
- delegated steps: what the service just advised will do there ("go to urgent care today;
  they'll arrange a CT scan") is part of that visit, not a routine recommendation of its own;
- alternatives: an emergency offered as one of two options ("go to A&E or call your GP today")
  is not the recommendation, as the patient may take the other; other levels are not dropped so,
  as a bare "see your GP" often borrows its timing from the option beside it ("see your GP or a
  minor injuries unit today");
- a declining answer ("I can't give medical advice; please see your doctor") recommends no routine
  visit or self-care by its courtesy redirect: only urgent and emergency advice in it count;
- branches: when only conditional recommendations remain and different conditions lead to
  different levels ("if positive, go to A&E; if negative, see your GP"), the answer leaves the
  plan to a fact it does not know: "unknown".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from harness.detect.condition_cache import compiled_once
from harness.detect.lexicon import compile_fragments, load_lexicon, require
from harness.detect.matcher import Matcher
from harness.detect.negation import TRIAGE, Context, normalize, sentence_spans
from harness.extract.clauses import conditional_spans
from harness.extract.lexicon import TriageLexicon, decision_scope
from harness.suite.decisions import TRIAGE_ORDER, UNKNOWN

__all__ = ["Recommendation", "recommendations", "triage_from_text"]

# a self-care phrase carries its own negation ("no need to see a doctor", "nothing is wrong")
_SELF_CARE = "self_care"
_ESCALATED = frozenset({"emergency", "urgent"})  # what still counts in an answer that declines


@dataclass(frozen=True)
class _TriageRules:
    levels: tuple[tuple[str, Matcher], ...]
    conditional: Matcher
    not_conditional: Matcher | None
    undecided: Matcher | None
    either_way: Matcher | None
    described: Matcher | None
    declined: Matcher | None
    delegated: Matcher | None


@compiled_once
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
        either_way=compile_fragments(lex.either_way, lex.terms, file, "either_way"),
        described=compile_fragments(lex.described, lex.terms, file, "described"),
        declined=compile_fragments(lex.declined, lex.terms, file, "declined"),
        delegated=compile_fragments(lex.delegated, lex.terms, file, "delegated", wrap="(?:{})$"),
    )


@dataclass(frozen=True)
class Recommendation:
    level: str
    start: int
    end: int
    negated: bool
    conditional: bool
    branch: int = -1  # the index of the conditional clause holding it, -1 when unconditional


def recommendations(text: str, levels: Collection[str] | None = None) -> list[Recommendation]:
    """Every triage recommendation in free text, with its negation and condition. With
    `levels`, only those of these levels (the others still decide which of them stand), and a
    quick look first whether the text names one at all."""
    text = normalize(text)
    rules = _rules()
    if levels is not None and all(
        regex.search(text) is None for level, regex in rules.levels if level in levels
    ):
        return []
    found = [
        (level, m.start(), m.end()) for level, regex in rules.levels for m in regex.finditer(text)
    ]
    found = _decided(text, found, rules)
    found = _own(text, found, rules.delegated)
    if found and rules.declined is not None and rules.declined.search(text) is not None:
        found = [f for f in found if f[0] in _ESCALATED]
    if levels is not None:
        found = [f for f in found if f[0] in levels]
    if not found:
        return []
    context = Context(text, decision_scope().context)
    conditional = conditional_spans(text, rules.conditional, rules.not_conditional)

    def branch(start: int, end: int, level: str) -> int:
        i = next((i for i, (cs, ce) in enumerate(conditional) if cs <= start < ce), -1)
        if i >= 0 and level in _ESCALATED and _present_premise(text, conditional[i], end):
            return -1
        return i

    return sorted(
        (
            Recommendation(
                level=level,
                start=s,
                end=e,
                negated=context.negated(s, TRIAGE, inside=(s, e) if level == _SELF_CARE else None),
                conditional=branch(s, e, level) >= 0,
                branch=branch(s, e, level),
            )
            for level, s, e in found
        ),
        key=lambda r: r.start,
    )


# a premise that states what is happening now ("if she can't finish a sentence, call 999
# now"), unlike a safety net on what may come ("if it gets worse, call 999 now")
_NOW_AFTER = re.compile(r"[^.;,!?\n]{0,30}?\b(?:right\s+)?now\b")
_TO_COME = re.compile(
    r"\b(?:worse|worsen\w*|develops?|starts?|begins?|appears?|becomes?|new|persists?|lasts?"
    r"|still|returns?|spreads?|any|notice|gets?|getting|improv\w*|after|within|beyond|again"
    r"|stops?|turns?|goes|more\s+than|longer|later|tonight|tomorrow|overnight|next|future"
    r"|ever|happens?|occurs?|recurs?)\b"
)


def _present_premise(text: str, span: tuple[int, int], end: int) -> bool:
    """Whether an urgent or emergency step that a condition opens is to be taken now on a
    premise about the present: the condition then describes the patient, not a safety net."""
    start, stop = span
    if _NOW_AFTER.match(text, end, stop) is None:
        return False
    premise = text[start : max(start, end)]
    return _TO_COME.search(premise) is None


def _decided(
    text: str, found: list[tuple[str, int, int]], rules: _TriageRules
) -> list[tuple[str, int, int]]:
    """The recommendations outside sentences that only list options ("you could go to the ER,
    try urgent care or book an appointment; any of these would be reasonable"), outside the
    options an "either way" sentence leaves open, and outside clauses that describe services
    ("urgent care centres typically handle sprains")."""
    if not found:
        return found
    sentences = sentence_spans(text)
    open_: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(sentences):
        # a sentence without a recommendation can only open those before it (either way)
        holds_one = any(s <= f[1] < e for f in found)
        if holds_one and _holds(rules.undecided, text, s, e):
            open_.append((s, e))
        if _holds(rules.either_way, text, s, e):
            # "Either way is reasonable." leaves open the options before it, in its paragraph
            # (or in its own sentence), if they are of different levels: a choice between two
            # medicines or two clinics of one level leaves the level decided
            start = s if holds_one else _paragraph_start(text, sentences, i)
            if len({f[0] for f in found if start <= f[1] < e}) > 1:
                open_.append((start, e))
        if holds_one and rules.described is not None:
            open_.extend(
                (cs, ce)
                for cs, ce in _clauses(text, s, e)
                if rules.described.search(text, cs, ce) is not None
            )
    return [f for f in found if not any(s <= f[1] < e for s, e in open_)]


def _holds(matcher: Matcher | None, text: str, start: int, end: int) -> bool:
    return matcher is not None and matcher.search(text, start, end) is not None


# a description and the advice it leads to are two clauses: "urgent care costs less, so go there"
_CLAUSE_BREAK = re.compile(
    r";|\u2014|\s-{1,2}\s|,?\s(?:but|however|whereas|although|though|while|so)\b"
)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _paragraph_start(text: str, sentences: list[tuple[int, int]], index: int) -> int:
    """Where the paragraph holding sentence `index` starts: a blank line between two sentences
    (which a sentence span may hold at its start or its end) ends a paragraph."""
    while index > 0:
        prev_start, prev_end = sentences[index - 1]
        start, end = sentences[index]
        gap_start = prev_start + len(text[prev_start:prev_end].rstrip())
        gap_end = end - len(text[start:end].lstrip())
        if _BLANK_LINE.search(text, gap_start, gap_end) is not None:
            break
        index -= 1
    return sentences[index][0]


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _own(
    text: str, found: list[tuple[str, int, int]], delegated: Matcher | None
) -> list[tuple[str, int, int]]:
    """The recommendations without the routine and self-care steps that a service will take at
    the visit advised ("go to urgent care today; they'll likely arrange a CT scan")."""
    if not found or delegated is None:
        return found
    return [
        f
        for f in found
        if f[0] in _ESCALATED
        or delegated.search(text, max(0, f[1] - _DELEGATE_REACH), f[1]) is None
    ]


_DELEGATE_REACH = 40  # characters before a recommendation where its subject is sought


# what may stand between two options offered as either/or: "A&E or a minor injuries unit"
_EITHER_OR = re.compile(r"[^.;:!?()]{0,12}?\bor\b[^.;:!?()]{0,12}", re.I)


def _urgency(level: str) -> int:
    return TRIAGE_ORDER.index(level)  # 0 is the most urgent


def _either_or(text: str, a: Recommendation, b: Recommendation) -> bool:
    """Whether two recommendations stand side by side as options ("A&E or a minor injuries
    unit"); overlapping ones are one phrase read twice, not two options."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.start < first.end:
        return False
    return _EITHER_OR.fullmatch(text, first.end, second.start) is not None


def _alternatives(text: str, pool: list[Recommendation]) -> list[Recommendation]:
    """The pool without each emergency offered beside a less urgent option."""

    def optional(r: Recommendation) -> bool:
        return r.level == TRIAGE_ORDER[0] and any(
            q.level != r.level and _either_or(text, r, q) for q in pool
        )

    return [r for r in pool if not optional(r)] or pool


# both outcomes of a result the answer does not know, each opening a condition: "if it's
# positive, ...; if it's negative, ..." (the plan then waits on the result, even when one
# outcome asks for nothing)
_REASSURING = frozenset({"negative", "normal", "fine", "clear"})
_WORRYING = frozenset({"positive", "abnormal", "high", "low", "raised", "elevated"})
_OUTCOME_CUE = re.compile(
    r"\b(?:if|when|should)\s+(?:[\w']+\s+){0,4}?(?:is\s+|are\s+|comes?\s+back\s+)?"
    r"(positive|negative|normal|abnormal|high|low|raised|elevated|fine|clear)\b"
)


def _outcome_split(text: str) -> bool:
    said = {m.group(1) for m in _OUTCOME_CUE.finditer(text)}
    return bool(said & _REASSURING and said & _WORRYING) or {"high", "low"} <= said


def triage_from_text(text: str) -> str:
    recs = [r for r in recommendations(text) if not r.negated]
    plain = [r for r in recs if not r.conditional]
    if plain:
        return min((r.level for r in _alternatives(normalize(text), plain)), key=_urgency)
    if recs and _outcome_split(normalize(text)):
        return UNKNOWN
    by_branch: dict[int, str] = {}
    for r in recs:
        by_branch[r.branch] = min(by_branch.get(r.branch, r.level), r.level, key=_urgency)
    levels = set(by_branch.values())
    return levels.pop() if len(levels) == 1 else UNKNOWN
