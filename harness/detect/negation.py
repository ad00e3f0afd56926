"""Negation and hedge scope in the manner of NegEx and ConText (Chapman et al. 2001; Harkema et
al. 2009): a trigger phrase governs the words after it (forward), before it (backward) or both,
up to a clause boundary, or within a few words for short triggers such as "not". A pseudo-trigger
("not only", "no doubt") masks the negation triggers it overlaps.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Final

from harness.detect.condition_cache import flush
from harness.detect.finding import CATEGORIES
from harness.detect.lexicon import (
    ContextLexicon,
    compile_fragments,
    condition_of,
    load_lexicon,
    require,
)
from harness.detect.matcher import Matcher
from harness.detect.prefilter import TriggerIndex
from harness.errors import InputError

__all__ = ["Context", "ContextRules", "context_rules", "normalize", "sentence_spans"]

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
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "." and _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()):
            continue
        if text[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
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
    index: TriggerIndex | None = None

    def extended(self, pseudo: Matcher | None, triggers: tuple[TriggerRule, ...]) -> ContextRules:
        """These rules with other pseudo-triggers and triggers (a caller's additions), the word
        index rebuilt to match: an index of the old triggers would skip the new ones."""
        matchers = [t.regex for t in triggers] + ([pseudo] if pseudo else [])
        index = TriggerIndex(condition_of(m) for m in matchers)
        flush()
        return ContextRules(
            terminator=self.terminator, pseudo=pseudo, triggers=triggers, index=index
        )

    def allowed(self, sentence: str) -> set[int]:
        """The trigger groups (and the pseudo-triggers, numbered last) to seek in a sentence."""
        if self.index is None:
            return set(range(len(self.triggers) + 1))
        return self.index.rules(set(sentence.split())) | self.index.always


@cache
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
    matchers = [t.regex for t in triggers] + ([pseudo_matcher] if pseudo_matcher else [])
    index = TriggerIndex(condition_of(m) for m in matchers)
    flush()
    return ContextRules(
        terminator=terminator, pseudo=pseudo_matcher, triggers=tuple(triggers), index=index
    )


@dataclass(frozen=True)
class _Trigger:
    rule: TriggerRule
    start: int
    end: int


class Context:
    """The scopes of one text. Built lazily, and triggers are sought only in the sentences that
    can govern a hit (its own and the next): most answers have few hits to look up."""

    def __init__(self, text: str, rules: ContextRules | None = None) -> None:
        self.text = text
        self.rules = rules or context_rules()
        self._sentence_triggers: dict[int, list[_Trigger]] = {}

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
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

    @cached_property
    def _words(self) -> tuple[list[int], list[int]]:
        spans = [m.span() for m in _WORD.finditer(self.text)]
        return [s for s, _ in spans], [e for _, e in spans]

    def _triggers_in(self, index: int) -> list[_Trigger]:
        if index not in self._sentence_triggers:
            start, end = self.sentences[index]
            rules = self.rules
            allowed = rules.allowed(self.text[start:end])
            pseudo = rules.pseudo if len(rules.triggers) in allowed else None
            masked = [m.span() for m in pseudo.finditer(self.text, start, end)] if pseudo else []
            found = []
            for number, rule in enumerate(rules.triggers):
                if number not in allowed:
                    continue
                for m in rule.regex.finditer(self.text, start, end):
                    s, e = m.span()
                    if rule.kind != "negation" or not any(ps < e and s < pe for ps, pe in masked):
                        found.append(_Trigger(rule, s, e))
            self._sentence_triggers[index] = found
        return self._sentence_triggers[index]

    def _triggers_near(self, anchor: int) -> list[_Trigger]:
        """Triggers of the anchor's sentence and the next ("... less pain. This is a myth.")."""
        i = max(bisect_right(self._sentence_starts, anchor) - 1, 0)
        return [t for j in range(i, min(i + 2, len(self.sentences))) for t in self._triggers_in(j)]

    def _forward_limit(self, trigger: _Trigger) -> int:
        starts, _ = self._bounds
        i = bisect_left(starts, trigger.end)
        limit = starts[i] if i < len(starts) else len(self.text)
        window = trigger.rule.window
        if window is not None:
            j = bisect_left(self._commas, trigger.end)
            if j < len(self._commas):
                limit = min(limit, self._commas[j])
            word_starts, word_ends = self._words
            k = bisect_left(word_starts, trigger.end) + window - 1
            if k < len(word_ends):
                limit = min(limit, word_ends[k])
        return limit

    def _backward_limit(self, trigger: _Trigger) -> int:
        _, ends = self._bounds
        i = bisect_right(ends, trigger.start)
        limit = ends[i - 1] if i > 0 else 0
        if i > 0 and _ANAPHOR.match(self.text, limit, trigger.start):
            # "... 1.159 for Black patients; this is outdated": the clause before is governed
            limit = ends[i - 2] if i > 1 else 0
        window = trigger.rule.window
        if window is not None:
            j = bisect_right(self._commas, trigger.start - 1)
            if j > 0:
                limit = max(limit, self._commas[j - 1] + 1)
            word_starts, word_ends = self._words
            k = bisect_right(word_ends, trigger.start) - window
            limit = max(limit, word_starts[k] if k >= 0 else 0)
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
