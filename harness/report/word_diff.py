"""Two answers side by side, with the words that differ marked: a pure function returning
segments, so each renderer escapes and marks them its own way."""

from __future__ import annotations

import difflib
import re

__all__ = ["Segment", "word_diff"]

_TOKEN = re.compile(r"\S+\s*|\s+")

Segment = tuple[str, bool]  # text, differs from the other answer


def _segments(tokens: list[str], spans: list[tuple[int, int, bool]]) -> list[Segment]:
    out: list[Segment] = []
    for start, end, changed in spans:
        if start == end:
            continue
        text = "".join(tokens[start:end])
        if out and out[-1][1] == changed:
            out[-1] = (out[-1][0] + text, changed)
        else:
            out.append((text, changed))
    return out


def word_diff(a: str, b: str) -> tuple[list[Segment], list[Segment]]:
    """Words are compared case-insensitively, trailing whitespace ignored."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    matcher = difflib.SequenceMatcher(
        None, [t.strip().lower() for t in ta], [t.strip().lower() for t in tb], autojunk=False
    )
    spans_a: list[tuple[int, int, bool]] = []
    spans_b: list[tuple[int, int, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        spans_a.append((i1, i2, tag != "equal"))
        spans_b.append((j1, j2, tag != "equal"))
    return _segments(ta, spans_a), _segments(tb, spans_b)
