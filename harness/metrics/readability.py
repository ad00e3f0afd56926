"""Reading level of an answer: the Flesch-Kincaid grade (Kincaid et al. 1975), with syllables
counted by vowel groups, the usual approximation. Compared across groups, not read as an
absolute grade: a model that writes down to one group shows here."""

from __future__ import annotations

import re

__all__ = ["flesch_kincaid_grade"]

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*\u2022]\s")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def _syllables(word: str) -> int:
    word = word.lower()
    count = len(_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # a silent final e
    return max(count, 1)


def flesch_kincaid_grade(text: str) -> float | None:
    """None for text without words."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len(_SENTENCE_END.findall(text.strip() + " ")))
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
