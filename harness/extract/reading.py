"""One answer's prose, read once for every decision: normalized, its negation scopes and its
conditional clauses, and the mentions a decision lexicon finds in it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from harness.detect.matcher import Matcher
from harness.detect.negation import Context, normalize
from harness.extract.clauses import conditional_spans, in_spans
from harness.extract.lexicon import CompiledDecision, decision_scope

__all__ = ["Mention", "Reading", "tiers"]


@dataclass(frozen=True)
class Mention:
    """One phrase found: what it means (after negation) and whether it is a safety net."""

    value: str | None
    start: int
    end: int
    negated: bool
    conditional: bool


class Reading:
    def __init__(self, prose: str) -> None:
        # a table cell is a clause of its own: negation does not cross "|"; nor does it cross
        # the end of a list item ("3. diclofenac gel\nOpioids are not recommended")
        self.text = _LIST_ITEM.sub(r"\1.", normalize(prose).replace("|", ","))
        self._scope = decision_scope()
        self._masked: dict[Matcher, list[tuple[int, int]]] = {}

    @cached_property
    def context(self) -> Context:
        return Context(self.text, self._scope.context)

    @cached_property
    def conditional(self) -> list[tuple[int, int]]:
        return conditional_spans(self.text, self._scope.conditional, self._scope.not_conditional)

    def masked(self, mask: Matcher | None) -> list[tuple[int, int]]:
        """The spans of a lexicon's mask (kept: the tests and testing decisions share one)."""
        if mask is None:
            return []
        found = self._masked.get(mask)
        if found is None:
            found = self._masked[mask] = [m.span() for m in mask.finditer(self.text)]
        return found

    def mention(
        self, decision: str, start: int, end: int, value: str | None, negated_value: str | None
    ) -> Mention:
        negated = self.context.negated(start, decision)
        return Mention(
            value=negated_value if negated else value,
            start=start,
            end=end,
            negated=negated,
            conditional=in_spans(start, self.conditional),
        )

    def firm(self, mention: Mention, decision: str) -> Mention:
        """The mention as a plain one if it is a conditional instruction ("add codeine if the
        pain is still bad"), not a conditional possibility ("your doctor may give codeine")."""
        if not mention.conditional or self.context.hedged(mention.start, decision):
            return mention
        return dataclasses.replace(mention, conditional=False)

    def safety_net(self, mention: Mention) -> bool:
        """Whether a conditional mention stands in an "if"/"unless" clause (a safety net), not
        on a timeline ("once the cast comes off, she will need physiotherapy")."""
        return mention.conditional and any(
            s <= mention.start < e and _SAFETY_NET.search(self.text, s, e) is not None
            for s, e in self.conditional
        )

    def cue_mentions(self, lex: CompiledDecision) -> list[Mention]:
        """Every cue mention of a categorical decision outside the lexicon's mask."""
        spans = [
            (cue, m.start(), m.end())
            for cue in lex.cues
            for m in cue.regex.finditer(self.text)
            if m.end() > m.start()
        ]
        if not spans:
            return []
        masked = self.masked(lex.mask)
        return [
            self.mention(lex.decision, s, e, cue.value, cue.negated)
            for cue, s, e in spans
            if not _overlaps(s, e, masked) and not _inside_longer(s, e, spans)
        ]

    def _named_again(self, end: int, kept: list[tuple[str, int, int]]) -> bool:
        """Whether a bracket right after a name gives the same thing's exact name ("a CT scan of
        the lungs (CTPA)"): the bracket's name is the one meant."""
        m = _BRACKET.match(self.text, end)
        if m is None or any(end <= s < m.end() for _, s, _ in kept):
            return False
        return any(s == m.end() for _, s, _ in kept)

    def name_mentions(self, lex: CompiledDecision) -> list[tuple[str, Mention]]:
        """Every named test (or other name) outside the mask; of two that overlap, the longer."""
        first = lex.any_name.search(self.text) if lex.any_name is not None else None
        if first is None:
            return []
        found = [  # no name starts before the first place where some synonym matches
            (name, m.start(), m.end())
            for name, regex in lex.names
            for m in regex.finditer(self.text, first.start())
            if m.end() > m.start()
        ]
        masked = self.masked(lex.mask)
        kept = [
            (name, s, e)
            for name, s, e in found
            if not _overlaps(s, e, masked) and not _inside_longer(s, e, found)
        ]
        kept = [(name, s, e) for name, s, e in kept if not self._named_again(e, kept)]
        return [(name, self.mention(lex.decision, s, e, name, None)) for name, s, e in kept]


_SAFETY_NET = re.compile(r"\b(?:if|unless|in case|should)\b")
# a list item's line that ends without a stop (offsets after it shift: spans index this text)
_LIST_ITEM = re.compile(r"^([ \t]*(?:[-*\u2022]|\d+[.)])[ \t][^\n]*?[^\s.!?:;,])[ \t]*$", re.M)
_BRACKET = re.compile(r"(?:(?!\b(?:and|or|plus|with|then)\b)[^.,;:()\n]){0,30}?\(\s*")


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _inside_longer(start: int, end: int, found: Sequence[tuple[object, int, int]]) -> bool:
    """Whether a longer phrase holds this one: "decide whether any tests are needed" (open)
    holds "tests" (advised), as "chest x-ray" holds "x-ray"."""
    return any(s <= start and end <= e and (e - s) > (end - start) for _, s, e in found)


def tiers(mentions: Iterable[Mention]) -> Iterator[list[Mention]]:
    """Unconditional mentions first, then the conditional ones; negated ones with no value
    after negation say nothing."""
    pool = [m for m in mentions if m.value is not None]
    yield [m for m in pool if not m.conditional]
    yield [m for m in pool if m.conditional]
