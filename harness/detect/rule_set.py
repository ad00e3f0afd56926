"""RE2 (google-re2) as a screen in front of Python's re: which of many rules may match in a
text (RuleSet, one automaton for all of them), and where one regex may first match (screen,
first_start). RE2 runs in time linear in the text; Python's re tries each alternative of a
long phrase list at each position.

RE2 has no look-arounds and reads `\\w`, `\\s`, `\\b` in ASCII, so each Python pattern is
widened into one that RE2 can run and that matches wherever the original does: look-arounds and
anchors are dropped (an assertion removed can only let more text match), `\\s` takes in the
ASCII characters Python counts as space beyond RE2's, and "not after a word character" before
what can only start with one is written as the word boundary it is. Word boundaries stay
(without them RE2 is forty times slower); they read the same in ASCII text. So a screen can
only say "maybe" where the rule says no, never the reverse. Text that is not ASCII is left to
Python's re, and so is a pattern that may match the empty string or that RE2 cannot take (a
back-reference, a repetition past 1,000): for a RuleSet, such a rule is always "maybe".

A RuleSet searches a whole answer for what the detectors seek sentence by sentence. A word
boundary at a sentence's edge reads as it does in the whole text because no sentence starts
just after a word character or ends with one before the text ends (negation.sentence_spans; a
test holds it).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from functools import partial
from typing import Any

from harness.detect.condition_cache import cached_program_size, cached_widened

__all__ = ["RuleSet", "first_start", "located", "rule_set", "screen", "widened"]

_PARSER: Any = importlib.import_module("re._parser")  # sre_parse, without its deprecation
_CONSTANTS: Any = importlib.import_module("re._constants")
_MAXREPEAT = _CONSTANTS.MAXREPEAT
_IGNORECASE, _DOTALL = int(re.IGNORECASE), int(re.DOTALL)
_RE2_MAX_REPEAT = 1000
# RE2's memory budget for one automaton, taken as it is used. Its default, 8 MiB, runs out on
# the longest phrase lists: a regex then logs "DFA out of memory" to stderr and falls back to a
# slower engine, and a set finds nothing at all. Each state of the automaton holds up to 4 bytes
# per instruction of the program, and RE2 wants room for 20 states in two thirds of the budget;
# 600 bytes per instruction leaves four times that.
_MEMORY = 64 << 20
_BYTES_PER_INSTRUCTION = 600


def _options(program_size: int) -> Any:
    import re2

    options = re2.Options()
    options.max_mem = max(_MEMORY, _BYTES_PER_INSTRUCTION * program_size)
    return options


def _compiled(pattern: str) -> Any:
    """RE2's compiled `pattern` with a budget its program fits (raises re2.error)."""
    import re2

    found = re2.compile(pattern.encode(), _options(0))
    if _options(found.programsize).max_mem > _MEMORY:
        found = re2.compile(pattern.encode(), _options(found.programsize))
    return found


_SPACE = r"\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} "  # Python's \s on ASCII; RE2's lacks \v, \x1c-\x1f
_CLASS = {
    "CATEGORY_DIGIT": "0-9",
    "CATEGORY_WORD": "0-9A-Za-z_",
    "CATEGORY_SPACE": _SPACE,
    # RE2's \S and \W hold at least what Python's do in ASCII text
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_NOT_SPACE": r"\S",
}


class Unsupported(ValueError):
    pass


def _char(code: int) -> str:
    return chr(code) if chr(code).isalnum() and code < 128 else f"\\x{{{code:x}}}"


def _class_items(items: list[tuple[Any, Any]]) -> str:
    out = []
    negated = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            out.append("^")
            negated = True
        elif name == "CATEGORY" and negated and str(av) == "CATEGORY_NOT_SPACE":
            raise Unsupported("[^\\S]")  # RE2's \S holds more, so its complement less
        elif name == "LITERAL":
            out.append(_char(av))
        elif name == "RANGE":
            out.append(f"{_char(av[0])}-{_char(av[1])}")
        elif name == "CATEGORY":
            out.append(_CLASS[str(av)])
        else:
            raise Unsupported(name)
    return "[" + "".join(out) + "]"


def _is_word_code(code: int) -> bool:
    return chr(code).isascii() and (chr(code).isalnum() or code == 95)


def _opens_with_word(items: Any) -> bool:
    """Whether every match of the sequence starts with a word character (False: not known)."""
    if not len(items):
        return False
    op, av = items[0]
    name = str(op)
    if name == "LITERAL":
        return _is_word_code(av)
    if name == "IN":
        for kind, value in av:
            kind = str(kind)
            if kind == "LITERAL" and _is_word_code(value):
                continue
            if kind == "RANGE" and all(_is_word_code(c) for c in range(value[0], value[1] + 1)):
                continue
            if kind == "CATEGORY" and str(value) in ("CATEGORY_WORD", "CATEGORY_DIGIT"):
                continue
            return False
        return True
    if name == "BRANCH":
        return all(_opens_with_word(branch) for branch in av[1])
    if name == "SUBPATTERN":
        return _opens_with_word(av[3])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return av[0] >= 1 and _opens_with_word(av[2])
    return False


def _not_after_word(op: Any, av: Any) -> bool:
    """Whether the item is `(?<!\\w)`."""
    if str(op) != "ASSERT_NOT" or av[0] != -1 or len(av[1]) != 1:
        return False
    inner_op, inner = av[1][0]
    return str(inner_op) == "IN" and [(str(k), str(v)) for k, v in inner] == [
        ("CATEGORY", "CATEGORY_WORD")
    ]


def _sequence(items: Any, flags: int) -> str:
    out = []
    for i, (op, av) in enumerate(items):
        if _not_after_word(op, av) and _opens_with_word(items[i + 1 :]):
            out.append(r"\b")  # the same, before a word character, and RE2 can run it
        else:
            out.append(_item(op, av, flags))
    return "".join(out)


def _item(op: Any, av: Any, flags: int) -> str:
    name = str(op)
    if name == "LITERAL":
        return f"(?i:{_char(av)})" if flags & _IGNORECASE else _char(av)
    if name == "NOT_LITERAL":
        return f"[^{_char(av)}]"
    if name == "ANY":
        return r"[\x{0}-\x{10ffff}]" if flags & _DOTALL else r"[^\n]"
    if name == "IN":
        found = _class_items(list(av))
        return f"(?i:{found})" if flags & _IGNORECASE else found
    if name == "AT" and str(av) == "AT_BOUNDARY":
        return r"\b"  # kept: without it a rule may start inside any word, and RE2 crawls
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return ""  # dropped: the widened pattern matches wherever the original does
    if name == "BRANCH":
        return "(?:" + "|".join(_sequence(b, flags) for b in av[1]) + ")"
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        if name == "ATOMIC_GROUP":
            return "(?:" + _sequence(av, flags) + ")"
        _, add, remove, body = av
        return "(?:" + _sequence(body, (flags | add) & ~remove) + ")"
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = av
        if low > _RE2_MAX_REPEAT or (high != _MAXREPEAT and high > _RE2_MAX_REPEAT):
            raise Unsupported("repetition")
        bounds = f"{{{low},}}" if high == _MAXREPEAT else f"{{{low},{high}}}"
        return "(?:" + _sequence(body, flags) + ")" + bounds
    raise Unsupported(name)  # back-references, conditionals


def widened(pattern: str) -> str | None:
    """`pattern` as an RE2 pattern that matches wherever it does. None: it cannot be widened,
    or it may match the empty string (Python's re has its own rules for the match after an
    empty one, which a screened search would have to copy)."""
    try:
        parsed = _PARSER.parse(pattern)
        if parsed.getwidth()[0] == 0:
            return None
        return _sequence(parsed, parsed.state.flags)
    except (Unsupported, KeyError):
        return None


def located(body: str, boundary: str | None) -> str | None:
    """A Matcher's regex (its body and the boundary it checks in Python) widened; kept in the
    prefilter's cache (parsing the lexicons' patterns takes a third of a second)."""
    prefix = {"word_boundary": r"\b", "not_after_word": r"(?<!\w)"}.get(boundary or "", "")
    return cached_widened(prefix + body, partial(widened, prefix + body))


class RuleSet:
    """Which of `patterns` (numbered in order) may match in a text; see the module docstring."""

    def __init__(self, patterns: Sequence[str | None]) -> None:
        """`patterns`: each rule's regex widened (Matcher.widened). Raises re2.error when RE2
        cannot take them all as one set."""
        import re2

        bodies: list[str] = []
        self._numbers: list[int] = []  # index in the set -> rule number
        always: set[int] = set()
        parser = re2.Set.SearchSet(_options(0))  # Add parses: what RE2 cannot take, it refuses
        for number, body in enumerate(patterns):
            if body is not None and _takes(parser, body):
                bodies.append(body)
                self._numbers.append(number)
            else:
                always.add(number)
        self.always = frozenset(always)
        if bodies:  # the set's budget is sized by the program of all its rules together
            combined = "|".join(f"(?:{body})" for body in bodies)
            size = cached_program_size(combined, lambda: int(_compiled(combined).programsize))
            self._set = re2.Set.SearchSet(_options(size))
            for body in bodies:
                self._set.Add(body)
            self._set.Compile()

    def matching(self, text: str) -> set[int] | None:
        """The rules that may match somewhere in `text`; None when the text is not ASCII."""
        if not text.isascii():
            return None
        found = set(self.always)
        if self._numbers:
            numbers = self._numbers
            found.update(numbers[i] for i in self._set.Match(text) or ())
        return found


def _takes(parser: Any, pattern: str) -> bool:
    import re2

    try:
        parser.Add(pattern)
    except re2.error:
        return False
    return True


def rule_set(patterns: Sequence[str | None]) -> RuleSet | None:
    """RuleSet(patterns), or None when google-re2 is not installed or cannot take them."""
    try:
        import re2
    except ImportError:
        return None
    try:
        return RuleSet(patterns)
    except re2.error:
        return None


def screen(pattern: str | None) -> Any:
    """A Matcher's regex widened (Matcher.widened), compiled by RE2 for first_start; None when
    it cannot be, or google-re2 is not installed."""
    if pattern is None:
        return None
    try:
        import re2
    except ImportError:
        return None
    try:
        return _compiled(pattern)
    except re2.error:
        return None


def first_start(compiled: Any, text: str, pos: int, end: int) -> int | None:
    """Where a search of text[pos:end] for the regex behind `compiled` (a `screen`) may find
    its first match: no earlier than the returned position, and nowhere if None. RE2 is given
    the character before `pos` too, so that a boundary there reads as it does in Python.
    text[pos - 1:end] must be ASCII."""
    lo = pos - 1 if pos > 0 else 0
    m = compiled.search(text[lo:end].encode())
    return None if m is None else max(pos, lo + int(m.start()))
