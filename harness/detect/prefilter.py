"""Which words a regex cannot match without, so that a rule is tried only on answers holding them.

Most answers hold no trigger at all, and a regex scan costs far more than looking a word up. A
pattern such as `\\b{group}\\s+{plural}\\b...{trait}` is read (with Python's own regex parser)
into requirements: at each place where a word must start, the set of words that may stand there
(a word is a run of the letters a-z, matching the tokens of `words()`). Each is a set of
`(text, whole)` pairs: `whole` means the token must equal the text, else start with it. A rule
is tried when every requirement of one of its top-level alternatives holds; a place whose word
cannot be known (after `\\w+`, or inside a word) sets no requirement, so the test never drops a
rule that could match: it only skips work.

Words start where a regex's requirements are read, so "seek" in "drug-seeking" is none of them:
`gate_literals` adds, per rule, strings one of which every match holds inside a token. The
indexes that ask them of an answer's words are in rule_gate.py.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "Condition",
    "Gate",
    "Requirement",
    "Share",
    "commonness",
    "condition",
    "gate_literals",
    "length_share",
    "words",
]

_PARSER: Any = importlib.import_module("re._parser")  # sre_parse, without its deprecation
_LITERAL: Any = _PARSER.parse("a")[0][0]
_LETTERS = re.compile(r"[a-z]+")
_MAX_WORDS = 600  # more alternatives than this and a place sets no requirement

Requirement = frozenset[tuple[str, bool]]
Condition = tuple[tuple[Requirement, ...], ...]  # any alternative whose requirements all hold
Share = Callable[[str, bool], float]  # (text, whole) -> share of answers with such a word


def words(text: str) -> list[str]:
    """The tokens requirements are checked against: runs of a-z in lowered text."""
    return _LETTERS.findall(text)


_UNKNOWN: Any = ("UNKNOWN", None)  # after one pass of a repeated item, the rest is not known
_Words = frozenset[tuple[str, bool]] | None


def _is_letter(code: int) -> bool:
    return 97 <= code <= 122


def _class_letters(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """The letters a character class may match (None: too many to say) and whether it may
    match a character that is not a letter."""
    letters: set[str] = set()
    other = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            return None, True
        if name == "LITERAL":
            if _is_letter(av):
                letters.add(chr(av))
            else:
                other = True
        elif name == "RANGE":
            lo, hi = av
            span = {chr(c) for c in range(max(lo, 97), min(hi, 122) + 1)}
            letters |= span
            other = other or lo < 97 or hi > 122
        elif name == "CATEGORY":
            if str(av) in ("CATEGORY_SPACE", "CATEGORY_DIGIT", "CATEGORY_NOT_WORD"):
                other = True
            else:
                return None, True
        else:
            return None, True
    return letters, other


def _non_letters_only(seq: list[tuple[Any, Any]]) -> bool:
    """Whether every character the sequence consumes is not a letter (spaces, punctuation)."""
    for op, av in seq:
        name = str(op)
        if name == "LITERAL":
            if _is_letter(av):
                return False
        elif name == "IN":
            letters, _ = _class_letters(av)
            if letters is None or letters:
                return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not _non_letters_only(list(av[2])):
                return False
        elif name in ("SUBPATTERN",):
            if not _non_letters_only(list(av[3])):
                return False
        elif name == "BRANCH":
            if not all(_non_letters_only(list(b)) for b in av[1]):
                return False
        elif name not in ("AT", "ASSERT", "ASSERT_NOT"):
            return False
    return True


def _union(parts: Iterable[_Words]) -> _Words:
    out: set[tuple[str, bool]] = set()
    for part in parts:
        if part is None:
            return None
        out |= part
        if len(out) > _MAX_WORDS:
            return None
    return frozenset(out)


def _ended(prefix: str, whole: bool) -> _Words:
    return frozenset({(prefix, whole)}) if prefix else None


def _first(seq: list[tuple[Any, Any]], start_ok: bool, prefix: str) -> _Words:
    """The words a match of `seq` may open with. `start_ok`: a word may start here (the
    character before is not a letter); `prefix`: the letters of the current word so far."""
    if not seq:
        return _ended(prefix, False)
    (op, av), rest = seq[0], seq[1:]
    name = str(op)
    if name == "UNKNOWN":
        return _ended(prefix, False)
    if name == "LITERAL":
        if _is_letter(av):
            if not prefix and not start_ok:
                return None
            return _first(rest, False, prefix + chr(av))
        return _ended(prefix, True) if prefix else _first(rest, True, "")
    if name == "IN":
        letters, other = _class_letters(av)
        if letters is None:
            return _ended(prefix, False)
        branches: list[_Words] = [
            _first([(_LITERAL, ord(c)), *rest], start_ok, prefix) for c in sorted(letters)
        ]
        if other:
            branches.append(_ended(prefix, True) if prefix else _first(rest, True, ""))
        return _union(branches)
    if name == "AT":
        where = str(av)
        if where == "AT_BOUNDARY":
            return _ended(prefix, True) if prefix else _first(rest, True, "")
        if where in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
            return _first(rest, True, prefix)
        if where == "AT_NON_BOUNDARY":
            return _first(rest, False, prefix) if prefix else _first(rest, False, "")
        return _ended(prefix, True)
    if name in ("ASSERT", "ASSERT_NOT"):
        direction, body = av
        if name == "ASSERT_NOT" and direction < 0 and not prefix and _is_word_class(list(body)):
            return _first(rest, True, "")  # (?<!\w): a word starts here
        return _first(rest, start_ok, prefix)
    if name == "SUBPATTERN":
        return _first([*av[3], *rest], start_ok, prefix)
    if name == "ATOMIC_GROUP":
        return _first([*av, *rest], start_ok, prefix)
    if name == "BRANCH":
        return _union(_first([*branch, *rest], start_ok, prefix) for branch in av[1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, body = av[0], av[1], list(av[2])
        if _non_letters_only(body):
            if prefix:
                once = _ended(prefix, True)
                return once if lo >= 1 else _union([once, _first(rest, start_ok, prefix)])
            if lo >= 1:
                return _first(rest, True, "")
            return _union([_first(rest, start_ok, ""), _first(rest, True, "")])
        paths: list[_Words] = []
        if lo == 0:
            paths.append(_first(rest, start_ok, prefix))
        if hi == 1:
            paths.append(_first([*body, *rest], start_ok, prefix))
        else:
            paths.append(_first([*body, _UNKNOWN], start_ok, prefix))
        return _union(paths)
    return _ended(prefix, False)  # any character, a back reference: the word goes on unknown


def _is_word_class(seq: list[tuple[Any, Any]]) -> bool:
    return (
        len(seq) == 1
        and str(seq[0][0]) == "IN"
        and [(str(o), str(a)) for o, a in seq[0][1]] == [("CATEGORY", "CATEGORY_WORD")]
    )


def _requirements(
    seq: list[tuple[Any, Any]], share: Share | None = None, start_ok: bool = False
) -> tuple[Requirement, ...]:
    """A requirement for each place in the sequence where a known word must start, and for
    each branching, the union of one requirement per branch: each branch's rarest by `share`
    ("a waste of time|unnecessary|overkill" needs "waste", "unnecessary" or "overkill", where
    the words it opens with, "a" among them, are met by nearly every answer)."""
    found: list[Requirement] = []
    for i, item in enumerate(seq):
        first = _first(seq[i:], start_ok, "")
        if first is not None and first not in found:
            found.append(first)
        branches = _branches(item)
        if share is not None and branches is not None:
            union = _union(_rarest(_requirements(b, share, start_ok), share) for b in branches)
            if union is not None and union not in found:
                found.append(union)
        start_ok = _after([item], start_ok)
    return tuple(found)


def _branches(item: tuple[Any, Any]) -> list[list[tuple[Any, Any]]] | None:
    """The branches of a branching item (bare, or alone in a group); None for other items."""
    op, av = item
    if str(op) == "SUBPATTERN":
        inner = list(av[3])
        return _branches(inner[0]) if len(inner) == 1 else None
    if str(op) == "BRANCH" and not all(_plain(list(b)) for b in av[1]):
        return [list(b) for b in av[1]]
    return None


def _rarest(reqs: tuple[Requirement, ...], share: Share) -> Requirement | None:
    return min(reqs, key=lambda req: commonness(req, share), default=None)


def _after(seq: list[tuple[Any, Any]], start_ok: bool) -> bool:
    """Whether a word may start right after `seq` (the character before is not a letter),
    given whether one could before it."""
    for op, av in seq:
        name = str(op)
        if name == "AT":
            where = str(av)
            if where in ("AT_BOUNDARY", "AT_BEGINNING", "AT_BEGINNING_STRING"):
                start_ok = True
            elif where == "AT_NON_BOUNDARY":
                start_ok = False
        elif name in ("ASSERT", "ASSERT_NOT"):
            start_ok = start_ok or (
                name == "ASSERT_NOT" and av[0] < 0 and _is_word_class(list(av[1]))
            )
        elif name == "SUBPATTERN":
            start_ok = _after(list(av[3]), start_ok)
        elif name == "BRANCH":
            start_ok = all(_after(list(b), start_ok) for b in av[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            once = _after(list(av[2]), start_ok)
            again = _after(list(av[2]), once)
            start_ok = once and again if av[0] >= 1 else start_ok and once and again
        elif name in ("LITERAL", "IN"):
            start_ok = _non_letters_only([(op, av)])
        else:
            start_ok = False
    return start_ok


_MAX_ALTERNATIVES = 64  # more than this and a branching stays one place of many words


def _plain(seq: list[tuple[Any, Any]]) -> bool:
    """Whether a branch is letters and fixed characters only ("is", "can't")."""
    return all(str(op) in ("LITERAL", "IN", "AT") for op, _ in seq)


def _expand(seq: list[tuple[Any, Any]]) -> list[list[tuple[Any, Any]]]:
    """The sequence's alternatives, its branchings distributed where a branch is more than a
    plain word: "(?:{group} {plural}|{plural} on {group}) ..." is two alternatives, each with
    its own words to require, where the union would require only what both open with."""
    out: list[list[tuple[Any, Any]]] = [[]]
    for op, av in seq:
        name = str(op)
        options: list[list[tuple[Any, Any]]] | None = None
        if name == "SUBPATTERN":
            options = _expand(list(av[3]))
        elif name == "BRANCH" and not all(_plain(list(b)) for b in av[1]):
            options = [alt for branch in av[1] for alt in _expand(list(branch))]
        if options is None or len(out) * len(options) > _MAX_ALTERNATIVES:
            out = [[*o, (op, av)] for o in out]
        else:
            out = [[*o, *alt] for o in out for alt in options]
    return out


def condition(pattern: str, share: Share | None = None) -> Condition:
    """The words `pattern` cannot match without; () when it may match anywhere. With `share`
    (how common a word is), branchings also yield the union of their branches' rarest
    requirements."""
    out = []
    for alternative in _expand(list(_PARSER.parse(pattern))):
        reqs = _requirements(alternative, share)
        if not reqs:
            return ()
        if reqs not in out:
            out.append(reqs)
    return tuple(out)


def commonness(req: Requirement, share: Share) -> float:
    """The chance that an answer meets the requirement, from the words' shares."""
    return min(1.0, sum(share(text, whole) for text, whole in req))


def length_share(text: str, whole: bool) -> float:
    """A rough share when no frequency table is given: short words are common."""
    return 10 ** (-(max(len(text), 1) - 2) / 2) * (1 if whole else 3)


_BREAKS = frozenset("'\"- ")  # characters normalize() may change: never part of a literal


_MAX_EXACT = 32  # more strings than this and a piece is not spelled out


def _exact(seq: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The strings a sequence of fixed characters and small branchings matches ("1\\.(?:16|21)"
    -> {"1.16", "1.21"}); None when it is more than that."""
    out = frozenset({""})
    for op, av in seq:
        name = str(op)
        if name == "LITERAL" and chr(av) not in _BREAKS:
            part: frozenset[str] | None = frozenset({chr(av)})
        elif name == "SUBPATTERN":
            part = _exact(list(av[3]))
        elif name == "BRANCH":
            parts = [_exact(list(b)) for b in av[1]]
            part = None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
        else:
            return None
        if part is None or len(out) * len(part) > _MAX_EXACT:
            return None
        out = frozenset(a + b for a in out for b in part)
    return out


Gate = frozenset[str] | None  # substrings one of which every match holds; None: none known
_FLAGS = re.IGNORECASE | re.LOCALE  # flags under which a literal is not itself


def _literal_runs(
    seq: list[tuple[Any, Any]], rarity: Callable[[frozenset[str]], float]
) -> list[frozenset[str]]:
    """Every set of strings found along `seq` one of which each match holds: runs of fixed
    characters, and for a branching, the union of each branch's rarest set."""
    found: list[frozenset[str]] = []
    run: frozenset[str] = frozenset({""})
    for op, av in [*seq, (None, None)]:
        piece = _exact([(op, av)]) if op is not None else None
        if piece is not None and len(run) * len(piece) <= _MAX_EXACT:
            run = frozenset(a + b for a in run for b in piece)
            continue
        if run != frozenset({""}):
            found.append(run)
        run = piece if piece is not None else frozenset({""})
        if piece is not None:
            continue
        name = str(op)
        if name == "SUBPATTERN":
            found.extend(_literal_runs(list(av[3]), rarity))
        elif name == "BRANCH":
            rarest = [min(_literal_runs(list(b), rarity), key=rarity, default=None) for b in av[1]]
            if all(r is not None for r in rarest):
                found.append(frozenset().union(*(r for r in rarest if r is not None)))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            found.extend(_literal_runs(list(av[2]), rarity))
    return [f for f in found if "" not in f and not any(c.isspace() for s in f for c in s)]


def _scoped_flags(seq: list[tuple[Any, Any]]) -> bool:
    """Whether a group in the parse tree turns on a flag under which a literal is not itself."""
    for op, av in seq:
        name = str(op)
        parts: list[Any] = []
        if name == "SUBPATTERN":
            if av[1] & _FLAGS:
                return True
            parts = [av[3]]
        elif name == "BRANCH":
            parts = list(av[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            parts = [av[2]]
        elif name in ("ASSERT", "ASSERT_NOT"):
            parts = [av[1]]
        elif name == "ATOMIC_GROUP":
            parts = [av]
        elif name == "GROUPREF_EXISTS":
            parts = [p for p in av[1:] if p is not None]
        if any(_scoped_flags(list(part)) for part in parts):
            return True
    return False


def gate_literals(pattern: str, share: Callable[[str], float] | None = None) -> Gate:
    """Substrings one of which every match of `pattern` holds (None: none known), each
    alternative's rarest set by `share` (the share of answers holding a word with the string
    inside). None when the pattern sets a flag under which a literal may match other text."""
    parsed = _PARSER.parse(pattern)
    if parsed.state.flags & _FLAGS or _scoped_flags(list(parsed)):
        return None
    items = list(parsed)
    alternatives = [items]
    if len(items) == 1 and str(items[0][0]) == "BRANCH":
        alternatives = [list(b) for b in items[0][1][1]]

    def rarity(strings: frozenset[str]) -> float:
        if share is None:  # longer strings are rarer
            return sum(length_share(s, True) for s in strings)
        return sum(share(s) for s in strings)

    out: set[str] = set()
    for alternative in alternatives:
        rarest = min(_literal_runs(alternative, rarity), key=rarity, default=None)
        if rarest is None:
            return None
        out |= rarest
    return frozenset(out)
