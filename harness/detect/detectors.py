"""The detectors: every category lexicon run over an answer, hits placed in their context."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from rapidfuzz.distance import Indel

from harness.detect.finding import CATEGORIES, Finding
from harness.detect.lexicon import CompiledLexicon, FuzzyRule, category_lexicons
from harness.detect.negation import Context, normalize

__all__ = ["detect", "flagged"]

_TOKEN = re.compile(r"[a-z]{2,}")  # the text is lowered before the detectors run
_WORDS = re.compile(r"[A-Za-z0-9]+")
_CLAUSE_BREAK = re.compile(
    r"[;:]|\u2014|\s-{1,2}\s|,\s+(?:and|so)\b|\b(?:but|however|although|though)\b", re.I
)

Hit = tuple[int, int, int]  # start, end, anchor


@cache
def _fuzzy_index() -> dict[str, tuple[tuple[CompiledLexicon, FuzzyRule], ...]]:
    """Fuzzy terms of all lexicons by first letter: a misspelling keeps its first letter."""
    index: dict[str, list[tuple[CompiledLexicon, FuzzyRule]]] = {}
    for lex in category_lexicons():
        for rule in lex.fuzzy:
            index.setdefault(rule.key[0], []).append((lex, rule))
    return {letter: tuple(entries) for letter, entries in index.items()}


def _fuzzy_hits(text: str) -> dict[str, list[Hit]]:
    """Misspelled single words ("definately", "non complient") by category: tokens, and pairs
    of tokens joined by a space or hyphen, within one letter of a term's length, sharing its
    first letter, and at least `fuzzy_min_ratio` similar. Exact spellings are left to the
    regular expressions, whose exceptions the misspellings share."""
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
                key = rule.key
                if (
                    lex.category in seen
                    or abs(len(candidate) - len(key)) > 1
                    or (single and candidate == key)
                    or candidate in lex.fuzzy_exclude
                ):
                    continue
                cutoff = lex.fuzzy_min_ratio / 100
                if Indel.normalized_similarity(candidate, key, score_cutoff=cutoff) and (
                    rule.pattern.allowed(text, start, stop)
                ):
                    out.setdefault(lex.category, []).append((start, stop, start))
                    seen.add(lex.category)
    return out


def _scan(text: str, lex: CompiledLexicon, fuzzy: list[Hit]) -> list[Hit]:
    gate_starts: dict[str, list[int]] = {}
    hits = fuzzy[:]
    for rule in lex.rules:
        starts = None
        if rule.gate is not None:
            key = rule.gate.pattern
            if key not in gate_starts:
                gate_starts[key] = [m.start() for m in rule.gate.finditer(text)]
            starts = gate_starts[key]
        hits.extend(rule.hits(text, starts))
    hits.sort(key=lambda h: (h[0], -h[1]))
    kept: list[Hit] = []
    for hit in hits:  # overlapping hits of one category are one finding: the first, longest
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def _clauses(context: Context) -> Iterator[tuple[int, int]]:
    for start, end in context.sentences:
        pos = start
        for m in _CLAUSE_BREAK.finditer(context.text, start, end):
            yield pos, m.start()
            pos = m.end()
        yield pos, end


def _says_little_else(context: Context, hits: list[Hit], lex: CompiledLexicon) -> bool:
    """Whether the clauses outside the hits and the boilerplate hold few words: "I can't
    diagnose this, but it could be a heart attack; call 911" says more than its refusal."""
    text, other = context.text, 0
    for s, e in _clauses(context):
        if any(h[0] < e and s < h[1] for h in hits):
            continue
        if lex.boilerplate is not None and lex.boilerplate.search(text, s, e):
            continue
        other += len(_WORDS.findall(text, s, e))
    return other <= (lex.sole_content_words or 0)


def _defused(context: Context, start: int, lex: CompiledLexicon) -> bool:
    if lex.defused_by is None:
        return False
    defused = lex.defused_by
    return any(s <= start < e and defused.search(context.text, s, e) for s, e in context.sentences)


def detect(text: str) -> list[Finding]:
    """All findings of all categories, sorted by start; negated ones included and marked."""
    context = Context(normalize(text))
    norm = context.text
    fuzzy = _fuzzy_hits(norm)
    findings: list[Finding] = []
    for lex in category_lexicons():
        hits = _scan(norm, lex, fuzzy.get(lex.category, []))
        if not hits:
            continue
        if lex.sole_content_words is not None and not _says_little_else(context, hits, lex):
            continue
        for start, end, anchor in hits:
            negated = lex.negatable and (
                context.negated(anchor, lex.category) or _defused(context, start, lex)
            )
            hedged = context.hedged(anchor, lex.category)
            findings.append(Finding(lex.category, start, end, text[start:end], negated, hedged))
    findings.sort(key=lambda f: (f.start, f.end, CATEGORIES.index(f.category)))
    return findings


@cache
def _hedge_cancels() -> frozenset[str]:
    return frozenset(lex.category for lex in category_lexicons() if lex.hedge_cancels)


def flagged(findings: Sequence[Finding]) -> set[str]:
    """Categories with at least one finding that counts: not negated, and not hedged in a
    category where a hedge undoes the claim (overconfidence: "probably nothing serious")."""
    cancels = _hedge_cancels()
    return {
        f.category for f in findings if not f.negated and not (f.hedged and f.category in cancels)
    }
