"""Misspellings of single lexicon words ("definately", "non complient"), and a cheap screen
that says, from an answer's words alone, whether any misspelling can be there at all.

Whether a word is close to a lexicon term is a property of the word, not of the answer, so the
screen remembers its verdict per word; the exact, positional search runs only on answers the
screen lets through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from rapidfuzz.distance import Indel, LCSseq

from harness.detect.lexicon import CompiledLexicon, FuzzyRule, category_lexicons

__all__ = ["FuzzyScreen", "fuzzy_hits", "fuzzy_screen"]

_TOKEN = re.compile(r"[a-z]{2,}")  # the text is lowered before the detectors run
_LETTER_RUNS = re.compile(r"[a-z]+")
_CACHE_LIMIT = 500_000  # words remembered; past this, words are judged afresh each time

Hit = tuple[int, int, int]  # start, end, anchor
_Entries = tuple[tuple[CompiledLexicon, FuzzyRule], ...]


@cache
def _fuzzy_index() -> dict[str, _Entries]:
    """Fuzzy terms of all lexicons by first letter: a misspelling keeps its first letter."""
    index: dict[str, list[tuple[CompiledLexicon, FuzzyRule]]] = {}
    for lex in category_lexicons():
        for rule in lex.fuzzy:
            index.setdefault(rule.key[0], []).append((lex, rule))
    return {letter: tuple(entries) for letter, entries in index.items()}


def fuzzy_hits(text: str) -> dict[str, list[Hit]]:
    """Misspelled single words by category: tokens, and pairs of tokens joined by a space or
    hyphen, within one letter of a term's length, sharing its first letter, and at least
    `fuzzy_min_ratio` similar. Exact spellings are left to the regular expressions, whose
    exceptions the misspellings share."""
    index = _fuzzy_index()
    out: dict[str, list[Hit]] = {}
    if not index:
        return out
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    for i, (start, end, word) in enumerate(tokens):
        entries = index.get(word[0])
        if entries is None:
            continue
        candidates = [(end, word, True)]
        if i + 1 < len(tokens):
            next_start, next_end, next_word = tokens[i + 1]
            gap = text[end:next_start]
            if len(gap) <= 2 and not gap.strip(" -\t\n"):
                candidates.append((next_end, word + next_word, False))
        for stop, candidate, single in candidates:
            seen: set[str] = set()
            for lex, rule in entries:
                if lex.category in seen or not _close(candidate, lex, rule, single):
                    continue
                if rule.pattern.allowed(text, start, stop):
                    out.setdefault(lex.category, []).append((start, stop, start))
                    seen.add(lex.category)
    return out


def _close(candidate: str, lex: CompiledLexicon, rule: FuzzyRule, single: bool) -> bool:
    key = rule.key
    if (
        abs(len(candidate) - len(key)) > 1
        or (single and candidate == key)
        or candidate in lex.fuzzy_exclude
    ):
        return False
    cutoff = lex.fuzzy_min_ratio / 100
    return bool(Indel.normalized_similarity(candidate, key, score_cutoff=cutoff))


class FuzzyScreen:
    """Whether an answer's words may hold a misspelling `fuzzy_hits` would find. Never says
    no where it would find one; says yes rarely (a misspelled word, or two words that together
    come close to a term)."""

    def __init__(self, index: dict[str, _Entries]) -> None:
        self._index = index
        self._plain: set[str] = set()  # neither a misspelling nor the head of a split one
        self._single: set[str] = set()
        self._heads: set[str] = set()
        self._pairs: dict[str, bool] = {}
        self._raw_plain: set[str] = set()
        self._raw_hot: set[str] = set()
        self._raw_heads: set[str] = set()

    def _close_to_any(self, candidate: str, single: bool) -> bool:
        return any(
            _close(candidate, lex, rule, single) for lex, rule in self._index.get(candidate[0], ())
        )

    def _may_head(self, word: str) -> bool:
        """Whether some second word (of two letters or more) could make `word` + it close to a
        term: the letters the pair shares with the term are at most those `word` shares plus
        the second word's length, and similarity grows with that length."""
        a = len(word)
        for lex, rule in self._index.get(word[0], ()):
            k = len(rule.key)
            if a > k - 1:
                continue
            r = lex.fuzzy_min_ratio / 100
            if 2 * (LCSseq.similarity(word, rule.key) + k + 1 - a) >= r * (2 * k + 1):
                return True
        return False

    def _learn(self, word: str) -> None:
        if len(word) < 2 or word[0] not in self._index:
            verdict_single = verdict_head = False
        else:
            verdict_single = self._close_to_any(word, True)
            verdict_head = self._may_head(word)
        if verdict_single:
            self._single.add(word)
        if verdict_head:
            self._heads.add(word)
        if not verdict_single and not verdict_head and len(self._plain) < _CACHE_LIMIT:
            self._plain.add(word)

    def _pair(self, pair: str) -> bool:
        verdict = self._pairs.get(pair)
        if verdict is None:
            verdict = self._close_to_any(pair, False)
            if len(self._pairs) < _CACHE_LIMIT:
                self._pairs[pair] = verdict
        return verdict

    def _learn_raw(self, raw: str) -> None:
        runs = _LETTER_RUNS.findall(raw)
        for run in runs:
            if run not in self._plain and run not in self._single and run not in self._heads:
                self._learn(run)
        hot = any(run in self._single for run in runs) or any(
            a in self._heads and len(b) >= 2 and self._pair(a + b)
            for a, b in zip(runs, runs[1:], strict=False)
        )
        if hot:
            self._raw_hot.add(raw)
        elif runs and runs[-1] in self._heads:
            self._raw_heads.add(raw)
        elif len(self._raw_plain) < _CACHE_LIMIT:
            self._raw_plain.add(raw)
        else:
            self._raw_hot.add(raw)  # the cache is full: look properly

    def may_hit_raw(self, raw_tokens: Sequence[str], raw_unique: set[str]) -> bool:
        """`may_hit` from the lowered, whitespace-split words (punctuation still on them)."""
        rest = raw_unique - self._raw_plain
        if not rest:
            return False
        for raw in rest - self._raw_hot - self._raw_heads:
            self._learn_raw(raw)
        if not rest.isdisjoint(self._raw_hot):
            return True
        heads = rest & self._raw_heads
        if not heads:
            return False
        for first, second in zip(raw_tokens, raw_tokens[1:], strict=False):
            if first in heads:
                a = _LETTER_RUNS.findall(first)[-1]
                b = _LETTER_RUNS.search(second)
                if b is not None and len(b.group()) >= 2 and self._pair(a + b.group()):
                    return True
        return False

    def may_hit(self, tokens: Sequence[str], unique: set[str]) -> bool:
        """`tokens`: the answer's words in order (prefilter.words); `unique`: their set."""
        rest = unique - self._plain
        if not rest:
            return False
        for word in rest - self._single - self._heads:
            self._learn(word)
        if not rest.isdisjoint(self._single):
            return True
        heads = rest & self._heads
        if not heads:
            return False
        for first, second in zip(tokens, tokens[1:], strict=False):
            if first in heads and len(second) >= 2 and self._pair(first + second):
                return True
        return False


@cache
def fuzzy_screen() -> FuzzyScreen:
    return FuzzyScreen(_fuzzy_index())
