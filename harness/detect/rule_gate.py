"""Indexes that ask an answer's words which rules it may match, from the conditions and literal
gates of prefilter.py. RuleGate (used by the detectors) asks both of the words of each piece of
an answer; TriggerIndex (words only, per answer) is the simpler index the tests check the
requirements with."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence

from harness.detect.prefilter import (
    Condition,
    Gate,
    Requirement,
    Share,
    commonness,
    length_share,
    words,
)

__all__ = ["RuleGate", "TriggerIndex"]

_CACHE_LIMIT = 500_000  # words remembered; past this, words are judged afresh each time


class TriggerIndex:
    """The rules (numbered in the order given) an answer's words allow.

    Each alternative of a rule is gated on its anchor, the requirement that the fewest answers
    meet (by `share`, a word-frequency table); only when an answer meets an anchor are the
    alternative's other requirements checked. What a token meets is worked out once and
    remembered: most tokens meet no requirement at all, and are remembered as plain.
    """

    def __init__(self, conditions: Iterable[Condition], share: Share = length_share) -> None:
        ids: dict[Requirement, int] = {}
        self._always: set[int] = set()
        # anchor requirement -> (rule, all requirements of the alternative it anchors)
        self._anchored: dict[int, list[tuple[int, frozenset[int]]]] = {}
        for rule, cond in enumerate(conditions):
            if not cond:
                self._always.add(rule)
            for alternative in cond:
                needed = frozenset(ids.setdefault(req, len(ids)) for req in alternative)
                anchor = min(alternative, key=lambda req: commonness(req, share))
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
        share: Share = length_share,
        gate_share: Callable[[str], float] | None = None,
    ) -> None:
        if len(conditions) != len(gates):
            raise ValueError(f"{len(conditions)} conditions but {len(gates)} gates")

        def gate_rarity(gate: frozenset[str]) -> float:
            return sum((gate_share or (lambda s: length_share(s, True)))(s) for s in gate)

        shares: dict[object, float] = {}  # requirement -> the share of answers meeting it
        for cond, gate in zip(conditions, gates, strict=True):
            if gate is not None and ("gate", gate) not in shares:
                shares[("gate", gate)] = gate_rarity(gate)
            for alternative in cond:
                for req in alternative:
                    if ("words", req) not in shares:
                        shares[("words", req)] = commonness(req, share)
        bits = {key: 1 << i for i, key in enumerate(shares)}
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
                    ranked.append((shares[("words", req)], req_bit))
                    for text, whole in req:
                        table = self._whole if whole else self._starts.setdefault(len(text), {})
                        table[text] = table.get(text, 0) | req_bit
                if gate is not None:
                    ranked.append((shares[("gate", gate)], gate_bit))
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
