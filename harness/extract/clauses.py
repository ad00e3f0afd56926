"""Conditional clauses: where a recommendation is a safety net ("if it gets worse, call 911")
rather than the plan. A conditional is a clause holding a cue ("if", "unless", "warning signs"),
or a whole clause that opens with one ("If the pain spreads, call 911")."""

from __future__ import annotations

import re

from harness.detect.matcher import Matcher
from harness.detect.negation import sentence_spans

__all__ = ["conditional_spans", "in_spans"]

_STRONG_BREAK = re.compile(
    r";|\u2014|\s-{1,2}\s|\b(?:but|however|whereas|although|though)\b"
    # "otherwise" opens a clause after punctuation ("if so, go; otherwise rest"), not inside
    # one ("if you feel otherwise well")
    r"|(?:^|(?<=[,;:.]\s)|(?<=[,;:.]))otherwise\b",
    re.I,
)
_WEAK_BREAK = re.compile(r",|\band\b|\bthen\b", re.I)
_LEAD_IN = re.compile(r"\W*(?:(?:and|so|but|also|then|however|otherwise|now|or)\W+)?", re.I)


def _pieces(text: str, start: int, end: int, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in breaks.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _cues(text: str, start: int, end: int, cue: Matcher, not_cue: Matcher | None) -> list[int]:
    masked = [m.span() for m in not_cue.finditer(text, start, end)] if not_cue else []
    return [
        m.start()
        for m in cue.finditer(text, start, end)
        if not any(s < m.end() and m.start() < e for s, e in masked)
    ]


def conditional_spans(text: str, cue: Matcher, not_cue: Matcher | None) -> list[tuple[int, int]]:
    """The conditional clauses of normalized `text`; `not_cue` masks cues ("even if")."""
    spans = []
    for sent_start, sent_end in sentence_spans(text):
        for seg_start, seg_end in _pieces(text, sent_start, sent_end, _STRONG_BREAK):
            cues = _cues(text, seg_start, seg_end, cue, not_cue)
            if not cues:
                continue
            lead = _LEAD_IN.match(text, seg_start, seg_end)
            if lead is not None and cues[0] == lead.end():
                spans.append((seg_start, seg_end))
                continue
            for sub in _pieces(text, seg_start, seg_end, _WEAK_BREAK):
                if any(sub[0] <= c < sub[1] for c in cues):
                    spans.append(sub)
    return spans


def in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)
