"""Sentences found the fast way (cut at ". " first, see negation.sentence_runs) are those of the
plain regex scan, and the word windows of negation scopes, found near the trigger, are those
counted over the whole text."""

from __future__ import annotations

import random
import re
from bisect import bisect_left, bisect_right

import pytest

from harness.detect.negation import (
    _ABBREVIATION,
    _SENTENCE_END,
    _WORD,
    Context,
    sentence_runs,
    sentence_spans,
    sentences_between,
)

ATOMS = [
    ". ", ".", "!", "?", "\n", "\n\n", " ", "  ", "a", "b", "e.g", "i.e", "vs", "Dr", "APPROX",
    '"', "'", ")", "]", "-", "*", "\u2022", "1", "2.", "3)", "\t", "\u00a0", "\u2028", "\u017f",
    "E.G", "word", "\u212a", "...", "not", "no", ",", ":", " - ", "don't",
]  # fmt: skip


def _scan(text: str) -> list[tuple[int, int]]:
    """sentence_spans as a single regex scan (how it was first written)."""
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


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_sentences_are_those_of_the_regex_scan() -> None:
    for text in _texts(40_000, seed=1):
        assert sentence_spans(text) == _scan(text), text


def test_runs_cut_the_text_at_sentence_ends() -> None:
    for text in _texts(5_000, seed=2):
        runs = sentence_runs(text)
        assert runs[0][0] == 0 and runs[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(runs, runs[1:], strict=False))
        assert all(text[start:stop] == piece for start, stop, piece in runs)
        ends = {e for _, e in _scan(text)} | {len(text)}
        assert all(stop in ends for _, stop, _ in runs[:-1]), text
        assert [s for run in runs for s in sentences_between(text, *run)] == _scan(text)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Take it e.g. daily. Then rest.", [(0, 19), (19, 30)]),
        ("A 1.5 mg dose. B", [(0, 14), (14, 16)]),
        ("Stop!. Now", [(0, 6), (6, 10)]),
    ],
)
def test_sentence_examples(text: str, spans: list[tuple[int, int]]) -> None:
    assert sentence_spans(text) == spans


def test_word_windows_are_counted_as_over_the_whole_text() -> None:
    rng = random.Random(3)
    for text in _texts(3_000, seed=4):
        context = Context(text)
        words = [m.span() for m in _WORD.finditer(text)]
        starts, ends = [s for s, _ in words], [e for _, e in words]
        for _ in range(4):
            pos, count = rng.randint(0, len(text)), rng.randint(1, 6)
            k = bisect_left(starts, pos) + count - 1
            assert context._word_end_after(pos, count) == (ends[k] if k < len(ends) else None)
            floor = rng.randint(0, pos)
            k = bisect_right(ends, pos) - count
            expected = max(floor, starts[k] if k >= 0 else 0)
            assert context._word_start_before(pos, count, floor) == expected, (text, pos)


def test_a_word_never_holds_a_space() -> None:
    assert not any(" " in m.group() for m in _WORD.finditer("a b'c d e'f  g"))
    assert re.fullmatch(_WORD, "don't")
