"""Compiled patterns whose leading word boundary is checked in Python.

A regex that opens with `\\b` or `(?<!\\w)` loses the literal-prefix scan of Python's `re` and
runs about fifteen times slower on text that does not match, which is most text. So the
boundary is taken off the front and checked at each candidate start instead; a candidate that
fails is searched past by one character, which keeps the results those of the original regex.

A Matcher made with `lazy=True` compiles its regex when first used: most of a lexicon's rules
are gated on words that most answers lack, and compiling all of them took a second.

A long search with a long regex asks RE2 first where a match may start (rule_set.py) and tries
the regex only there: the lexicons' alternations of hundreds of phrases crawl through an answer
in Python's re (80-390 µs for 500 characters), and RE2's automaton finds the places in a few.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from harness.detect.rule_set import first_start, located, screen

__all__ = ["Matcher", "top_level_alternatives"]

Boundary = Literal["word_boundary", "not_after_word"] | None
# a search asks RE2 (rule_set.screen) first where its first match may start when the stretch's
# length times the regex's reaches this: a long alternation with no literal prefix crawls in
# Python's re, whose cost grows with both, where RE2's grows with the stretch alone
_SCREEN_WORK = 50_000
_UNBUILT: Any = object()
_BOUNDARIES: tuple[tuple[str, Boundary], ...] = (
    ("\\b", "word_boundary"),
    ("(?<!\\w)", "not_after_word"),
)


def top_level_alternatives(regex: str) -> list[str]:
    """The branches of a regex's outermost alternation ("a|(b|c)" -> ["a", "(b|c)"])."""
    parts, depth, i, in_class, last = [], 0, 0, False, 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if regex[i + 1 : i + 2] == "^":
                i += 1
            if regex[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(regex[last:i])
            last = i + 1
        i += 1
    parts.append(regex[last:])
    return parts


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


class Matcher:
    __slots__ = ("_regex", "_screen", "body", "boundary", "widened")

    def __init__(self, body: str, boundary: Boundary = None, *, lazy: bool = False) -> None:
        self.body = body  # the regex without the boundary checked in Python
        self.boundary = boundary
        self._regex: re.Pattern[str] | None = None if lazy else re.compile(body)
        self.widened = located(body, boundary)  # for RE2 (rule_set.py); compiled at first use
        self._screen: Any = _UNBUILT

    @classmethod
    def compile(cls, pattern: str, *, lazy: bool = False) -> Matcher:
        """Raises re.error like re.compile (unless lazy: then at first use).
        "\\ba|\\bb" becomes "a|b" checked for "\\b"."""
        branches = top_level_alternatives(pattern)
        for prefix, boundary in _BOUNDARIES:
            if all(b.startswith(prefix) for b in branches):
                body = "|".join(b[len(prefix) :] for b in branches)
                return cls(body, boundary, lazy=lazy)
        return cls(pattern, lazy=lazy)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.body)
        return self._regex

    @property
    def pattern(self) -> str:
        prefix = {"word_boundary": "\\b", "not_after_word": "(?<!\\w)", None: ""}[self.boundary]
        return prefix + self.body

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.regex.groupindex

    def _ok(self, text: str, start: int, end: int) -> bool:
        """The boundary at `start`, seen as re sees it in text[:end]."""
        before = start > 0 and _is_word(text[start - 1])
        if self.boundary == "not_after_word":
            return not before
        return before != (start < end and _is_word(text[start]))

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        if (end - pos) * len(self.body) >= _SCREEN_WORK:
            if self._screen is _UNBUILT:
                self._screen = screen(self.widened)
            if self._screen is not None and text[max(pos - 1, 0) : end].isascii():
                yield from self._screened(text, pos, end)
                return
        if self.boundary is None:
            yield from self.regex.finditer(text, pos, end)
            return
        while pos <= end:
            m = self.regex.search(text, pos, end)
            if m is None:
                return
            start = m.start()
            if self._ok(text, start, end):
                yield m
                pos = m.end() if m.end() > start else start + 1
            else:
                pos = start + 1

    def _screened(self, text: str, pos: int, end: int) -> Iterator[re.Match[str]]:
        """finditer's matches, the regex tried only where RE2 finds that the widened pattern
        may start (rule_set.first_start): every place it matches is one of those, so the
        first that it matches at is the leftmost match."""
        regex = self.regex
        while pos <= end:
            start = first_start(self._screen, text, pos, end)
            if start is None:
                return
            m = regex.match(text, start, end)
            if m is not None and (self.boundary is None or self._ok(text, start, end)):
                yield m
                pos = m.end() if m.end() > start else start + 1
            else:
                pos = start + 1

    def starts(self, text: str) -> Iterator[int] | None:
        """Every place in an ASCII text where RE2 finds that the widened pattern may start, in
        order: each match of the regex in a stretch of the text starts at one of them (see
        rule_set.py for the edges of the stretch). None when there is no screen."""
        if self._screen is _UNBUILT:
            self._screen = screen(self.widened)
        if self._screen is None:
            return None
        return self._starts(text)

    def _starts(self, text: str) -> Iterator[int]:
        pos, end = 0, len(text)
        while pos <= end:
            start = first_start(self._screen, text, pos, end)
            if start is None:
                return
            yield start
            pos = start + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        m = self.regex.match(text, pos, end)
        return m if m is not None and (self.boundary is None or self._ok(text, pos, end)) else None
