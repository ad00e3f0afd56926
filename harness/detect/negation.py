"""Negation and hedge scope in the manner of NegEx and ConText (Chapman et al. 2001; Harkema et
al. 2009): a trigger phrase governs the words after it (forward), before it (backward) or both,
up to a clause boundary, or within a few words for short triggers such as "not". A pseudo-trigger
("not only", "no doubt") masks the negation triggers it overlaps.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from harness.detect.condition_cache import compiled_once
from harness.detect.finding import CATEGORIES
from harness.detect.lexicon import (
    ContextLexicon,
    compile_fragments,
    condition_of,
    load_lexicon,
    require,
)
from harness.detect.matcher import Matcher
from harness.detect.rule_gate import RuleGate
from harness.detect.rule_set import RuleSet, rule_set
from harness.errors import InputError

__all__ = [
    "Context",
    "ContextRules",
    "context_rules",
    "normalize",
    "sentence_runs",
    "sentence_spans",
    "sentences_between",
]

TRIAGE: Final = "triage"

# Same-length replacements, so spans found in the normalized text hold for the original.
_SAME_LENGTH = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2011": "-"}
)
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+[.)])\s)")
_ABBREVIATION = re.compile(r"(?:^|\W)(?:e\.g|i\.e|vs|dr|approx)$", re.I)
_WORD = re.compile(r"\w+(?:'\w+)?")
_ANAPHOR = re.compile(r"\W*(?:they|it|this|these|those|that|which|such\s+\w+)\b", re.I)


def normalize(text: str) -> str:
    """The text all patterns run on: lower case, straight quotes, the same length as `text`."""
    text = text.translate(_SAME_LENGTH)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # "İ" lowers to two


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences (and list items) as (start, end); a decimal point does not end a sentence."""
    spans: list[tuple[int, int]] = []
    for start, stop, piece in sentence_runs(text):
        spans.extend(sentences_between(text, start, stop, piece))
    return spans


# Sentences are cut mostly at ". ", so the text is first split there (str.split, no regular
# expression): each run of sentence_runs holds whole sentences, and most hold one, which a look
# at its characters tells. Only the others are searched with _SENTENCE_END.

_ABBREVIATION_END = re.compile(r"[gesrx]", re.I)  # how each abbreviation above may end
_MAY_END_ABBREVIATION: dict[str, bool] = {}  # character -> whether it may


def _may_end_abbreviation(c: str) -> bool:
    found = _MAY_END_ABBREVIATION.get(c)
    if found is None:
        found = _MAY_END_ABBREVIATION[c] = _ABBREVIATION_END.fullmatch(c) is not None
    return found


def _ends_sentence(text: str, dot: int) -> bool:
    """Whether the "." at `dot`, which a space follows, ends a sentence (see sentence_spans)."""
    if not dot:
        return True
    before = text[dot - 1]
    if before in ".!?":
        return True  # the run is longer than "."
    if before == "\n":  # "$" matches before a last newline
        if dot < 2 or not _may_end_abbreviation(text[dot - 2]):
            return True
    elif not _may_end_abbreviation(before):
        return True
    return _ABBREVIATION.search(text, max(0, dot - 8), dot) is None


def sentence_runs(text: str) -> list[tuple[int, int, str]]:
    """The text cut after each ". " that ends a sentence, as (start, end, text[start:end]): each
    run holds whole sentences (see sentences_between)."""
    pieces = text.split(". ")
    if len(pieces) == 1:
        return [(0, len(text), text)]
    runs: list[tuple[int, int, str]] = []
    start = 0
    dot = -2
    for piece in pieces[:-1]:
        dot += len(piece) + 2
        if _ends_sentence(text, dot):
            runs.append((start, dot + 1, text[start : dot + 1]))
            start = dot + 1
    runs.append((start, len(text), text[start:]))
    return runs


_CLOSERS = frozenset("\"')]")


def _one_sentence(piece: str) -> bool:
    """Whether a run's text, its last character left out, holds no end of a sentence."""
    if "\n" in piece:
        return False
    for mark in ".!?":
        i = piece.find(mark)
        while i >= 0:
            after = piece[i + 1 : i + 2]
            if not after or after.isspace() or after in _CLOSERS:
                return False
            i = piece.find(mark, i + 1)
    return True


def sentences_between(
    text: str, start: int, stop: int, piece: str | None = None
) -> list[tuple[int, int]]:
    """The sentences of a run of sentence_runs: text[start:stop], which is `piece`."""
    if piece is None:
        piece = text[start:stop]
    if stop < len(text):  # the run ends with the "." of ". "
        if _one_sentence(piece[:-1]):
            return [(start, stop)]
    elif "\n" not in piece and "." not in piece and "!" not in piece and "?" not in piece:
        return [(start, stop)] if piece.strip() else []
    spans = []
    for m in _SENTENCE_END.finditer(text, start):
        if m.group() == "." and _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()):
            continue
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
        if start >= stop:
            return spans
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class TriggerRule:
    kind: str
    direction: str
    window: int | None
    applies_to: frozenset[str]
    regex: Matcher


@dataclass(frozen=True)
class ContextRules:
    terminator: Matcher
    pseudo: Matcher | None
    triggers: tuple[TriggerRule, ...]
    # the words each trigger group (numbered as `triggers`, the pseudo-triggers last) needs:
    # a sentence is searched only for the groups its words allow
    index: RuleGate | None = None
    # the same question put to RE2 (rule_set.py), for ASCII sentences: which groups may match
    rule_set: RuleSet | None = None

    def extended(self, pseudo: Matcher | None, triggers: tuple[TriggerRule, ...]) -> ContextRules:
        """These rules with other pseudo-triggers and triggers (a caller's additions), the word
        index rebuilt to match: an index of the old triggers would skip the new ones."""
        return ContextRules(
            terminator=self.terminator,
            pseudo=pseudo,
            triggers=triggers,
            index=_index(triggers, pseudo),
            rule_set=_rule_set(triggers, pseudo),
        )

    def allowed(self, sentence: str) -> set[int]:
        """The trigger groups (and the pseudo-triggers, numbered last) to seek in a sentence."""
        if self.rule_set is not None:
            maybe = self.rule_set.matching(sentence)
            if maybe is not None:
                return maybe
        if self.index is None:
            return set(range(len(self.triggers) + 1))
        return self.index.allowed(set(sentence.split()))


def _rule_set(triggers: tuple[TriggerRule, ...], pseudo: Matcher | None) -> RuleSet | None:
    return rule_set([t.regex.widened for t in triggers] + ([pseudo.widened] if pseudo else []))


def _index(triggers: tuple[TriggerRule, ...], pseudo: Matcher | None) -> RuleGate:
    matchers = [t.regex for t in triggers] + ([pseudo] if pseudo else [])
    conditions = [condition_of(m) for m in matchers]
    return RuleGate(conditions, [None] * len(conditions))


@compiled_once
def context_rules() -> ContextRules:
    file, lex = load_lexicon("context.yaml", ContextLexicon)
    terminator = require(
        compile_fragments(lex.terminators, {}, file, "terminators"), file, "terminators"
    )
    known = {*CATEGORIES, TRIAGE}
    pseudo: list[str] = []
    triggers: list[TriggerRule] = []
    for i, group in enumerate(lex.triggers):
        unknown = set(group.applies_to) - known
        if unknown:
            raise InputError(
                file, f"triggers.{i}.applies_to", f"unknown name {sorted(unknown)[0]!r}"
            )
        if group.kind == "pseudo":
            pseudo.extend(group.phrases)
            continue
        field = f"triggers.{i}.phrases"
        regex = require(compile_fragments(group.phrases, {}, file, field), file, field)
        triggers.append(
            TriggerRule(
                group.kind, group.direction, group.window, frozenset(group.applies_to), regex
            )
        )
    pseudo_matcher = compile_fragments(pseudo, {}, file, "triggers(pseudo)")
    return ContextRules(
        terminator=terminator,
        pseudo=pseudo_matcher,
        triggers=tuple(triggers),
        index=_index(tuple(triggers), pseudo_matcher),
        rule_set=_rule_set(tuple(triggers), pseudo_matcher),
    )


@dataclass(frozen=True)
class _Trigger:
    rule: TriggerRule
    start: int
    end: int


class Context:
    """The scopes of one text. Built lazily, and triggers are sought only in the sentences that
    can govern a hit (its own and the next): most answers have few hits to look up."""

    def __init__(
        self,
        text: str,
        rules: ContextRules | None = None,
        runs: list[tuple[int, int, str]] | None = None,
    ) -> None:
        """`runs`: sentence_runs(text), when the caller has them already."""
        self.text = text
        self.rules = rules or context_rules()
        self._sentence_triggers: dict[tuple[int, bool], list[_Trigger]] = {}
        self._sentence_allowed: dict[int, tuple[set[int], list[tuple[int, int]] | None]] = {}
        self._runs = runs

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        if self._runs is None:
            return sentence_spans(self.text)
        text = self.text
        return [span for run in self._runs for span in sentences_between(text, *run)]

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        spans = [m.span() for m in self.rules.terminator.finditer(self.text)]
        spans += [(e - 1, e) for _, e in self.sentences]
        spans.sort()
        return [s for s, _ in spans], [e for _, e in spans]

    @cached_property
    def _commas(self) -> list[int]:
        return [m.start() for m in re.finditer(r"[,:(\[]|\s[-\u2013\u2014]\s", self.text)]

    def _word_end_after(self, pos: int, count: int) -> int | None:
        """The end of the `count`-th word (_WORD, as found from the start of the text) that
        starts at or after `pos`; None when there are fewer. A word never holds a space, so
        the words from just after the last space before `pos` are those of the whole text."""
        text = self.text
        for m in _WORD.finditer(text, text.rfind(" ", 0, pos) + 1):
            if m.start() >= pos:
                count -= 1
                if not count:
                    return m.end()
        return None

    def _word_start_before(self, pos: int, count: int, floor: int) -> int:
        """The start of the `count`-th word, counted back, among those that end at or before
        `pos`, or `floor` if that is later (as it is when fewer such words start after it)."""
        text = self.text
        starts = []
        for m in _WORD.finditer(text, text.rfind(" ", 0, floor) + 1):
            if m.end() > pos:
                break
            starts.append(m.start())
        return max(floor, starts[-count]) if len(starts) >= count else floor

    def _allowed_in(self, index: int) -> tuple[set[int], list[tuple[int, int]] | None]:
        """The trigger groups a sentence's words allow, and the spans of its pseudo-triggers
        (None until sought: they matter only once a negation trigger is found)."""
        found = self._sentence_allowed.get(index)
        if found is None:
            start, end = self.sentences[index]
            found = self._sentence_allowed[index] = (self.rules.allowed(self.text[start:end]), None)
        return found

    def _masked(self, index: int) -> list[tuple[int, int]]:
        allowed, masked = self._allowed_in(index)
        if masked is None:
            pseudo = self.rules.pseudo if len(self.rules.triggers) in allowed else None
            start, end = self.sentences[index]
            masked = [m.span() for m in pseudo.finditer(self.text, start, end)] if pseudo else []
            self._sentence_allowed[index] = (allowed, masked)
        return masked

    def _triggers_in(self, index: int, forward: bool) -> list[_Trigger]:
        """The triggers of a sentence that govern forward only, or the others."""
        found = self._sentence_triggers.get((index, forward))
        if found is None:
            start, end = self.sentences[index]
            text = self.text
            allowed, _ = self._allowed_in(index)
            found = []
            for number, rule in enumerate(self.rules.triggers):
                if number not in allowed or (rule.direction == "forward") is not forward:
                    continue
                for m in rule.regex.finditer(text, start, end):
                    s, e = m.span()
                    if rule.kind == "negation" and any(
                        ps < e and s < pe for ps, pe in self._masked(index)
                    ):
                        continue
                    found.append(_Trigger(rule, s, e))
            self._sentence_triggers[(index, forward)] = found
        return found

    def _triggers_near(self, anchor: int) -> list[_Trigger]:
        """Triggers of the anchor's sentence and the next ("... less pain. This is a myth."); of
        the next, a trigger that governs forward only cannot reach back to the anchor."""
        i = max(bisect_right(self.sentence_starts, anchor) - 1, 0)
        near = self._triggers_in(i, True) + self._triggers_in(i, False)
        if i + 1 < len(self.sentences):
            near += self._triggers_in(i + 1, False)
        return near

    def _forward_limit(self, trigger: _Trigger) -> int:
        starts, _ = self._bounds
        i = bisect_left(starts, trigger.end)
        limit = starts[i] if i < len(starts) else len(self.text)
        window = trigger.rule.window
        if window is not None:
            j = bisect_left(self._commas, trigger.end)
            if j < len(self._commas):
                limit = min(limit, self._commas[j])
            end = self._word_end_after(trigger.end, window)
            if end is not None:
                limit = min(limit, end)
        return limit

    def _backward_limit(self, trigger: _Trigger) -> int:
        _, ends = self._bounds
        i = bisect_right(ends, trigger.start)
        limit = ends[i - 1] if i > 0 else 0
        if (
            i > 0
            and trigger.rule.window is None
            and _ANAPHOR.match(self.text, limit, trigger.start)
        ):
            # "... 1.159 for Black patients; this is outdated": the clause before is governed
            # (by a clause-long trigger only: "definitely not. It's probably ..." is no hedge)
            limit = ends[i - 2] if i > 1 else 0
        window = trigger.rule.window
        if window is not None:
            j = bisect_right(self._commas, trigger.start - 1)
            if j > 0:
                limit = max(limit, self._commas[j - 1] + 1)
            limit = self._word_start_before(trigger.start, window, limit)
        return limit

    def _governed(
        self, kind: str, anchor: int, category: str, inside: tuple[int, int] | None
    ) -> bool:
        for t in self._triggers_near(anchor):
            rule = t.rule
            if rule.kind != kind or (rule.applies_to and category not in rule.applies_to):
                continue
            if inside is not None and inside[0] <= t.start and t.end <= inside[1]:
                continue
            if rule.direction != "backward" and t.end <= anchor < self._forward_limit(t):
                return True
            # a post-trigger may stand inside a long match, after its core ("0.88 ... used to")
            if rule.direction != "forward" and t.start > anchor >= self._backward_limit(t):
                return True
        return False

    def negated(self, anchor: int, category: str, inside: tuple[int, int] | None = None) -> bool:
        """Whether the hit whose core starts at `anchor` stands under negation. Triggers
        wholly `inside` the given span (the hit's own words) are not counted."""
        return self._governed("negation", anchor, category, inside)

    def hedged(self, anchor: int, category: str, inside: tuple[int, int] | None = None) -> bool:
        return self._governed("hedge", anchor, category, inside)
