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
from itertools import compress

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
    screen = fuzzy_screen()
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    # a word is looked at only when its verdict (single, or head of a pair whose second word
    # may be a tail) lets a misspelling start there
    flags = [screen.word_flags(word) for _, _, word in tokens]
    for i, (start, end, word) in enumerate(tokens):
        if word[0] not in index:
            continue
        candidates = []
        if flags[i] & FuzzyScreen.SINGLE:
            candidates.append((end, word, True))
        if flags[i] & FuzzyScreen.HEAD and i + 1 < len(tokens) and flags[i + 1] & FuzzyScreen.TAIL:
            next_start, next_end, next_word = tokens[i + 1]
            gap = text[end:next_start]
            if len(gap) <= 2 and not gap.strip(" -\t\n"):
                candidates.append((next_end, word + next_word, False))
        for stop, candidate, single in candidates:
            seen: set[str] = set()
            for lex, rule in screen.close(candidate, single):
                if lex.category in seen:
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
    come close to a term).

    Verdicts are kept per word: whether a run of letters is close to a term (`single`), may
    open a pair that is (`head`: some second word could make it close), or may close one
    (`tail`: some first word could); and per whitespace-split token, from its runs of letters.
    Pairs of tokens are looked at only in an answer holding both a head and a tail, and then
    only those that open with a head: a common word such as "and" may be either."""

    SINGLE, HEAD, TAIL = 1, 2, 4

    def __init__(self, index: dict[str, _Entries]) -> None:
        self._index = index
        self._entries = tuple(entry for entries in index.values() for entry in entries)
        self._words: dict[str, int] = {}  # run of letters -> SINGLE | HEAD | TAIL
        self._pairs: dict[str, bool] = {}
        self._close: dict[tuple[str, bool], _Entries] = {}
        self._raw_seen: set[str] = set()  # tokens judged: plain, or in one of the sets below
        self._raw_hot: set[str] = set()  # a misspelling inside the token itself
        self._raw_heads: dict[str, str] = {}  # tokens whose last run may open a pair -> it
        self._raw_tails: dict[str, str] = {}  # tokens whose first run may close a pair -> it
        self._raw_head_set: set[str] = set()  # the keys of _raw_heads
        self._raw_tail_set: set[str] = set()  # the keys of _raw_tails

    def close(self, candidate: str, single: bool) -> _Entries:
        """The (lexicon, fuzzy rule) pairs `candidate` is close to, in the index's order."""
        found = self._close.get((candidate, single))
        if found is None:
            found = tuple(
                (lex, rule)
                for lex, rule in self._index.get(candidate[0], ())
                if _close(candidate, lex, rule, single)
            )
            if len(self._close) < _CACHE_LIMIT:
                self._close[(candidate, single)] = found
        return found

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

    def _may_tail(self, word: str) -> bool:
        """Whether some first word (of two letters or more) could make it + `word` close to a
        term: the pair, of length L within one of the term's k, shares with the term at most
        min(first word's length, j) letters of its first j plus what `word` shares with the
        rest, for some j; similarity is 2 * shared / (L + k)."""
        b = len(word)
        for lex, rule in self._entries:
            key, k = rule.key, len(rule.key)
            r = lex.fuzzy_min_ratio / 100
            lengths = range(max(2, k - 1 - b), k + 2 - b)  # of the first word
            if not lengths:
                continue
            most = LCSseq.similarity(word, key)
            if all(2 * (a + most) < r * (a + b + k) - 1e-9 for a in lengths):
                continue
            for j in range(k + 1):
                shared = LCSseq.similarity(word, key[j:])
                if any(2 * (min(a, j) + shared) >= r * (a + b + k) - 1e-9 for a in lengths):
                    return True
        return False

    def word_flags(self, word: str) -> int:
        """SINGLE, HEAD and TAIL, as they hold for a run of letters."""
        found = self._words.get(word)
        if found is None:
            found = 0
            if len(word) >= 2:
                if word[0] in self._index:
                    if any(True for _ in self.close(word, True)):
                        found |= self.SINGLE
                    if self._may_head(word):
                        found |= self.HEAD
                if self._may_tail(word):
                    found |= self.TAIL
            if len(self._words) < _CACHE_LIMIT:
                self._words[word] = found
        return found

    def _pair(self, pair: str) -> bool:
        verdict = self._pairs.get(pair)
        if verdict is None:
            verdict = bool(self.close(pair, False))
            if len(self._pairs) < _CACHE_LIMIT:
                self._pairs[pair] = verdict
        return verdict

    def _learn_raw(self, raw: str) -> None:
        runs = _LETTER_RUNS.findall(raw)
        flags = [self.word_flags(run) for run in runs]
        hot = any(f & self.SINGLE for f in flags) or any(
            flags[i] & self.HEAD and len(runs[i + 1]) >= 2 and self._pair(runs[i] + runs[i + 1])
            for i in range(len(runs) - 1)
        )
        full = len(self._raw_seen) >= _CACHE_LIMIT
        if hot or full:  # a full cache: look properly
            self._raw_hot.add(raw)
        else:
            if runs and flags[-1] & self.HEAD:
                self._raw_heads[raw] = runs[-1]
                self._raw_head_set.add(raw)
            if runs and len(runs[0]) >= 2 and flags[0] & self.TAIL:
                self._raw_tails[raw] = runs[0]
                self._raw_tail_set.add(raw)
        if not full:
            self._raw_seen.add(raw)

    def may_hit(self, tokens: Sequence[str], unique: set[str]) -> bool:
        """Whether the normalized, whitespace-split words of a text, in order, may hold a
        misspelling (`unique`: their set)."""
        new = unique - self._raw_seen
        if new:
            for raw in new:
                self._learn_raw(raw)
        if not unique.isdisjoint(self._raw_hot):
            return True
        if unique.isdisjoint(self._raw_head_set) or unique.isdisjoint(self._raw_tail_set):
            return False
        heads, tails = self._raw_heads, self._raw_tails
        for i in compress(range(len(tokens) - 1), map(heads.__contains__, tokens)):
            second = tokens[i + 1]
            if second in tails and self._pair(heads[tokens[i]] + tails[second]):
                return True
        return False


@cache
def fuzzy_screen() -> FuzzyScreen:
    return FuzzyScreen(_fuzzy_index())
