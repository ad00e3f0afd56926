"""The detectors: every category lexicon run over an answer, hits placed in their context."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from rapidfuzz.distance import Indel

from harness.detect.finding import CATEGORIES, Finding
from harness.detect.lexicon import CompiledLexicon, category_lexicons
from harness.detect.negation import Context, normalize, sentence_spans

__all__ = ["detect", "flagged"]

_TOKEN = re.compile(r"[A-Za-z]+")
_JOINER = re.compile(r"[\s-]{1,2}")  # what may stand inside a split word: "non compliant"
_WORDS = re.compile(r"[A-Za-z0-9]+")

Hit = tuple[int, int, int]  # start, end, anchor


def _fuzzy_hits(text: str, lex: CompiledLexicon) -> Iterator[Hit]:
    """Misspelled single words ("definately", "non complient"): tokens, and pairs of tokens
    joined, within one letter of a term's length, sharing its first letter, and at least
    `fuzzy_min_ratio` similar. Exact spellings are left to the regular expressions."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    candidates = [(s, e, w, True) for s, e, w in tokens]
    for (s1, e1, w1), (s2, e2, w2) in zip(tokens, tokens[1:], strict=False):
        if _JOINER.fullmatch(text, e1, s2):
            candidates.append((s1, e2, w1 + w2, False))
    cutoff = lex.fuzzy_min_ratio / 100
    for start, end, word, single in candidates:
        if len(word) < 5 or word in lex.fuzzy_exclude:
            continue
        for rule in lex.fuzzy:
            key = rule.key
            if word[0] != key[0] or abs(len(word) - len(key)) > 1 or (single and word == key):
                continue
            if Indel.normalized_similarity(word, key, score_cutoff=cutoff) and (
                rule.pattern.allowed(text, start, end)
            ):
                yield start, end, start
                break


def _scan(text: str, lex: CompiledLexicon) -> list[Hit]:
    hits = [hit for rule in lex.rules for hit in rule.hits(text)]
    if lex.fuzzy:
        hits.extend(_fuzzy_hits(text, lex))
    hits.sort(key=lambda h: (h[0], -h[1]))
    kept: list[Hit] = []
    for hit in hits:  # overlapping hits of one category are one finding: the first, longest
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def _says_little_else(text: str, hits: list[Hit], lex: CompiledLexicon) -> bool:
    other = 0
    for s, e in sentence_spans(text):
        if any(s <= h[0] < e for h in hits):
            continue
        if lex.boilerplate is not None and lex.boilerplate.search(text, s, e):
            continue
        other += len(_WORDS.findall(text, s, e))
    return other <= (lex.sole_content_words or 0)


def _defused(text: str, start: int, lex: CompiledLexicon) -> bool:
    if lex.defused_by is None:
        return False
    return any(
        s <= start < e and lex.defused_by.search(text, s, e) for s, e in sentence_spans(text)
    )


def detect(text: str) -> list[Finding]:
    """All findings of all categories, sorted by start; negated ones included and marked."""
    norm = normalize(text)
    context: Context | None = None
    findings: list[Finding] = []
    for lex in category_lexicons():
        hits = _scan(norm, lex)
        if not hits:
            continue
        if lex.sole_content_words is not None and not _says_little_else(norm, hits, lex):
            continue
        context = context or Context(norm)
        for start, end, anchor in hits:
            negated = lex.negatable and (
                context.negated(end, anchor, lex.category) or _defused(norm, start, lex)
            )
            hedged = context.hedged(end, anchor, lex.category)
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
        f.category
        for f in findings
        if not f.negated and not (f.hedged and f.category in cancels)
    }
