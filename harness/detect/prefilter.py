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
`gate_literals` adds, per rule, strings one of which every match holds inside a token. RuleGate
(used by the detectors) asks both of the words of each piece of an answer; TriggerIndex (words
only, per answer) is the simpler index the tests check the requirements with.
"""

from __future__ import annotations

import functools
import importlib
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "Condition",
    "Gate",
    "Requirement",
    "RuleGate",
    "Share",
    "TriggerIndex",
    "condition",
    "gate_literals",
    "literals",
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
    return min(reqs, key=lambda req: _commonness(req, share), default=None)


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


_CACHE_LIMIT = 500_000  # words remembered; past this, words are judged afresh each time


def _length_share(text: str, whole: bool) -> float:
    """A rough share when no frequency table is given: short words are common."""
    return 10 ** (-(max(len(text), 1) - 2) / 2) * (1 if whole else 3)


def _commonness(req: Requirement, share: Share) -> float:
    """The chance that an answer meets the requirement, from the words' shares."""
    return min(1.0, sum(share(text, whole) for text, whole in req))


class TriggerIndex:
    """The rules (numbered in the order given) an answer's words allow.

    Each alternative of a rule is gated on its anchor, the requirement that the fewest answers
    meet (by `share`, a word-frequency table); only when an answer meets an anchor are the
    alternative's other requirements checked. What a token meets is worked out once and
    remembered: most tokens meet no requirement at all, and are remembered as plain.
    """

    def __init__(self, conditions: Iterable[Condition], share: Share = _length_share) -> None:
        ids: dict[Requirement, int] = {}
        self._always: set[int] = set()
        # anchor requirement -> (rule, all requirements of the alternative it anchors)
        self._anchored: dict[int, list[tuple[int, frozenset[int]]]] = {}
        for rule, cond in enumerate(conditions):
            if not cond:
                self._always.add(rule)
            for alternative in cond:
                needed = frozenset(ids.setdefault(req, len(ids)) for req in alternative)
                anchor = min(alternative, key=lambda req: _commonness(req, share))
                self._anchored.setdefault(ids[anchor], []).append((rule, needed))
        self._whole: dict[str, set[int]] = {}
        self._starts: dict[int, dict[str, set[int]]] = {}
        for requirement, number in ids.items():
            for text, whole in requirement:
                if whole:
                    self._whole.setdefault(text, set()).add(number)
                else:
                    self._starts.setdefault(len(text), {}).setdefault(text, set()).add(number)
        self._anchors = frozenset(self._anchored)
        self._met: dict[str, frozenset[int]] = {}  # tokens that meet some requirement
        self._met_tokens: set[str] = set()  # its keys, as a set for fast set operations
        self._plain: set[str] = set()  # tokens that meet none
        self._hot: set[str] = set()  # tokens that meet an anchor
        self._hot_rules: dict[str, frozenset[int]] = {}  # hot token -> the rules it anchors

    @property
    def always(self) -> frozenset[int]:
        """The rules with no requirement: every answer may need them."""
        return frozenset(self._always)

    def _word_meets(self, word: str) -> set[int]:
        met = set(self._whole.get(word, ()))
        for length, starts in self._starts.items():
            if length <= len(word):
                met.update(starts.get(word[:length], ()))
        return met

    def _learn(self, token: str) -> frozenset[int]:
        met: set[int] = set()
        for word in words(token):
            met |= self._word_meets(word)
        found = frozenset(met)
        if not found:
            if len(self._plain) < _CACHE_LIMIT:
                self._plain.add(token)
        elif len(self._met) < _CACHE_LIMIT:
            self._met[token] = found
            self._met_tokens.add(token)
            anchors = self._anchors.intersection(found)
            if anchors:
                self._hot.add(token)
                self._hot_rules[token] = frozenset(
                    rule for anchor in anchors for rule, _ in self._anchored[anchor]
                )
        return found

    def candidates(self, tokens: set[str]) -> set[int]:
        """The rules one of whose anchors the tokens meet: a superset of `rules(tokens)`
        that costs a set difference and a look-up per hot token."""
        rest = tokens - self._plain
        for token in rest - self._met_tokens:
            found = self._learn(token)
            if found and token not in self._met_tokens:  # the cache is full
                return self.rules(tokens)
        hot = rest & self._hot
        return set().union(*(self._hot_rules[token] for token in hot)) if hot else set()

    def rules(self, tokens: set[str]) -> set[int]:
        """The rules with requirements that an answer may match, from its set of tokens: the
        lowered text split at whitespace (or its words; a token's words are its runs of a-z).
        The rules with no requirement (`always`) are left to the caller."""
        # set operations only: a dict's keys view on the right of "-" is walked in full
        rest = tokens - self._plain
        unknown = rest - self._met_tokens
        learned = {token: self._learn(token) for token in unknown}
        if self._hot.isdisjoint(rest) and not any(
            token not in self._met_tokens and not self._anchors.isdisjoint(met)
            for token, met in learned.items()
        ):
            return set()
        met: set[int] = set()
        for token in rest:
            found = self._met.get(token)
            met.update(found if found is not None else learned.get(token, ()))
        found_rules: set[int] = set()
        for anchor in self._anchors.intersection(met):
            for rule, needed in self._anchored[anchor]:
                if rule not in found_rules and needed <= met:
                    found_rules.add(rule)
        return found_rules

    def rules_among(self, tokens: set[str], candidates: set[int]) -> set[int]:
        """Which of `candidates` the tokens allow (`rules`, for a few rules: a sentence's)."""
        rest = tokens - self._plain
        for token in rest - self._met_tokens:
            found = self._learn(token)
            if found and token not in self._met_tokens:  # the cache is full
                return self.rules(tokens) & candidates
        hot = rest & self._hot
        if not hot or all(self._hot_rules[token].isdisjoint(candidates) for token in hot):
            return set()
        met: set[int] = set()
        for token in rest & self._met_tokens:
            met.update(self._met[token])
        found_rules: set[int] = set()
        for anchor in self._anchors.intersection(met):
            for rule, needed in self._anchored[anchor]:
                if rule in candidates and rule not in found_rules and needed <= met:
                    found_rules.add(rule)
        return found_rules


_BREAKS = frozenset("'\"- ")  # characters normalize() may change: never part of a literal


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    return max(sets, key=lambda s: min(map(len, s)), default=None)


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


def _literal_sets(seq: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """A set of strings one of which every match of `seq` holds, the longest such found."""
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
        inner: frozenset[str] | None = None
        if name == "SUBPATTERN":
            inner = _literal_sets(list(av[3]))
        elif name == "BRANCH":
            parts = [_literal_sets(list(b)) for b in av[1]]
            if all(p is not None for p in parts):
                inner = frozenset().union(*(p for p in parts if p is not None))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            inner = _literal_sets(list(av[2]))
        if inner:
            found.append(inner)
    return _best([f for f in found if "" not in f])


def literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` holds as a substring of the lowered text
    (None: none known). For rules with no word requirement, such as "\\b1\\.159\\b"."""
    parsed = list(_PARSER.parse(pattern))
    alternatives = [parsed]
    if len(parsed) == 1 and str(parsed[0][0]) == "BRANCH":
        alternatives = [list(b) for b in parsed[0][1][1]]
    out: set[str] = set()
    for alternative in alternatives:
        found = _literal_sets(alternative)
        if not found:
            return None
        out |= found
    return frozenset(out)


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
            return sum(_length_share(s, True) for s in strings)
        return sum(share(s) for s in strings)

    out: set[str] = set()
    for alternative in alternatives:
        rarest = min(_literal_runs(alternative, rarity), key=rarity, default=None)
        if rarest is None:
            return None
        out |= rarest
    return frozenset(out)


_MEMO_LIMIT = 100_000  # verdicts remembered per rule


class RuleGate:
    """The rules (numbered in the order given) that a piece of text holding whole sentences
    may match, from its set of tokens (whitespace-split, lowered) alone.

    A rule is allowed when the tokens meet every requirement of one of its condition's
    alternatives (see `condition`) and one token holds one of its gate's literals (see
    `gate_literals`). Each alternative is anchored on its rarest requirement, the gate counted
    as one: only rules whose anchor a token meets are looked at. What a token meets is worked
    out once and kept as a bit mask, most tokens meeting nothing; a rule's verdict is kept per
    combination of its own requirements met, so that it is worked out once per combination.
    """

    def __init__(
        self,
        conditions: Sequence[Condition],
        gates: Sequence[Gate],
        share: Share = _length_share,
        gate_share: Callable[[str], float] | None = None,
    ) -> None:
        if len(conditions) != len(gates):
            raise ValueError(f"{len(conditions)} conditions but {len(gates)} gates")

        def gate_rarity(gate: frozenset[str]) -> float:
            return sum((gate_share or (lambda s: _length_share(s, True)))(s) for s in gate)

        commonness: dict[object, float] = {}  # requirement -> the share of answers meeting it
        for cond, gate in zip(conditions, gates, strict=True):
            if gate is not None and ("gate", gate) not in commonness:
                commonness[("gate", gate)] = gate_rarity(gate)
            for alternative in cond:
                for req in alternative:
                    if ("words", req) not in commonness:
                        commonness[("words", req)] = _commonness(req, share)
        bits = {key: 1 << i for i, key in enumerate(commonness)}
        bit = bits.__getitem__

        self._whole: dict[str, int] = {}
        self._starts: dict[int, dict[str, int]] = {}
        self._literals: dict[str, int] = {}
        self._alternatives: list[tuple[int, ...]] = []
        self._gate: list[int] = []
        self._relevant: list[int] = []
        self._unconditional: set[int] = set()
        anchors: dict[int, set[int]] = {}  # anchor bit -> rules
        for rule, (cond, gate) in enumerate(zip(conditions, gates, strict=True)):
            gate_bit = 0
            if gate is not None:
                gate_bit = bit(("gate", gate))
                for literal in gate:
                    self._literals[literal] = self._literals.get(literal, 0) | gate_bit
            masks: list[int] = []
            for alternative in cond or ((),):
                mask = 0
                ranked: list[tuple[float, int]] = []
                for req in alternative:
                    req_bit = bit(("words", req))
                    mask |= req_bit
                    ranked.append((commonness[("words", req)], req_bit))
                    for text, whole in req:
                        table = self._whole if whole else self._starts.setdefault(len(text), {})
                        table[text] = table.get(text, 0) | req_bit
                if gate is not None:
                    ranked.append((commonness[("gate", gate)], gate_bit))
                if ranked:
                    anchors.setdefault(min(ranked)[1], set()).add(rule)
                else:
                    self._unconditional.add(rule)
                masks.append(mask)
            self._alternatives.append(tuple(masks))
            self._gate.append(gate_bit)
            self._relevant.append(gate_bit | functools.reduce(operator.or_, masks, 0))
        self._anchors = {anchor: frozenset(rules) for anchor, rules in anchors.items()}
        self._anchor_mask = functools.reduce(operator.or_, self._anchors, 0)
        self._literal_sizes = sorted({len(s) for s in self._literals})
        self._memo: list[dict[int, bool]] = [{} for _ in self._gate]
        self._plain: set[str] = set()  # tokens that meet nothing
        self._masks: dict[str, int] = {}  # tokens that meet something -> what
        self._known: set[str] = set()  # the keys of _masks
        self._seen: set[str] = set()  # _plain and _known together
        self._hot: dict[str, frozenset[int]] = {}  # tokens that meet an anchor -> its rules
        self._hot_tokens: set[str] = set()  # the keys of _hot

    @property
    def unconditional(self) -> frozenset[int]:
        """The rules with neither requirements nor a gate: every piece of text may need them."""
        return frozenset(self._unconditional)

    def _meets(self, token: str) -> int:
        mask = 0
        for word in words(token):
            mask |= self._whole.get(word, 0)
            for length, starts in self._starts.items():
                if length <= len(word):
                    mask |= starts.get(word[:length], 0)
        if self._literals:
            literals = self._literals
            for i in range(len(token)):
                for size in self._literal_sizes:
                    if i + size > len(token):
                        break
                    mask |= literals.get(token[i : i + size], 0)
        return mask

    def _hot_rules(self, mask: int) -> frozenset[int]:
        hot = mask & self._anchor_mask
        if not hot:
            return frozenset()
        return frozenset().union(*(rules for a, rules in self._anchors.items() if a & hot))

    def _learn(self, token: str) -> int:
        mask = self._meets(token)
        if not mask:
            if len(self._plain) < _CACHE_LIMIT:
                self._plain.add(token)
                self._seen.add(token)
        elif len(self._masks) < _CACHE_LIMIT:
            self._masks[token] = mask
            self._known.add(token)
            self._seen.add(token)
            hot = self._hot_rules(mask)
            if hot:
                self._hot[token] = hot
                self._hot_tokens.add(token)
        return mask

    def allowed(self, tokens: set[str], among: frozenset[int] | None = None) -> set[int]:
        """The rules the tokens allow, the unconditional ones included; with `among`, only
        those of `among` (tokens already seen by a call without it)."""
        new = tokens - self._seen
        if new:
            return self._allowed_learning(tokens, new)
        hot = tokens & self._hot_tokens
        if not hot:
            return set(self._unconditional)
        hot_rules = self._hot
        if len(hot) == 1:
            candidates: frozenset[int] = hot_rules[next(iter(hot))]
        else:
            candidates = frozenset().union(*map(hot_rules.__getitem__, hot))
        if among is not None:
            candidates &= among
            if not candidates:
                return set(self._unconditional)
        met = functools.reduce(operator.or_, map(self._masks.__getitem__, tokens & self._known))
        return self._verdicts(candidates, met)

    def anchors(self, tokens: set[str], rules: frozenset[int]) -> frozenset[str]:
        """Those of the tokens that anchor one of `rules`: a piece of text holding none of them
        allows none of `rules` (tokens already seen)."""
        hot_rules = self._hot
        found = {t for t in tokens & self._hot_tokens if not hot_rules[t].isdisjoint(rules)}
        return frozenset(found.union(tokens - self._seen))  # the unseen, when the cache is full

    def _verdicts(self, candidates: Iterable[int], met: int) -> set[int]:
        found = set(self._unconditional)
        relevant, memos = self._relevant, self._memo
        for rule in candidates:
            key = met & relevant[rule]
            memo = memos[rule]
            verdict = memo.get(key)
            if verdict is None:
                gate = self._gate[rule]
                verdict = key & gate == gate and any(
                    key & alt == alt for alt in self._alternatives[rule]
                )
                if len(memo) < _MEMO_LIMIT:
                    memo[key] = verdict
            if verdict:
                found.add(rule)
        return found

    def _allowed_learning(self, tokens: set[str], new: set[str]) -> set[int]:
        """`allowed` when some tokens are new: they are learned (and kept, while there is room)."""
        fresh = {token: self._learn(token) for token in new}
        met = 0
        candidates: set[int] = set()
        for token in tokens:
            mask = self._masks.get(token, 0) or fresh.get(token, 0)
            if mask:
                met |= mask
                candidates |= self._hot.get(token) or self._hot_rules(mask)
        return self._verdicts(candidates, met)
