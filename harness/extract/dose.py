"""Doses: the first numeric dose with its unit that an answer recommends, normalized
("400 mg", "400-600 mg", "500 mg-1 g", "0.5 mg/kg")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.detect.condition_cache import compiled_once
from harness.detect.lexicon import compile_fragments, compile_pattern, load_lexicon
from harness.detect.matcher import Matcher
from harness.extract.reading import Reading, tiers
from harness.suite.axis import Provenance, StrictModel

__all__ = ["DoseLexicon", "dose_from_text", "normalize_dose"]

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_RANGE = r"\s*(?:-|\u2013|\u2014|to)\s*"
# "from 20 mg to 30 mg" is a change of dose, not a range: the dose advised is the new one
_CHANGE = re.compile(r"\bfrom\s*$")


class DoseLexicon(StrictModel):
    provenance: Provenance
    units: dict[str, list[str]]
    per: dict[str, list[str]] = {}
    not_followed_by: list[str] = []
    mask: list[str] = []


@dataclass(frozen=True)
class _DoseRules:
    dose: Matcher
    units: tuple[tuple[str, re.Pattern[str]], ...]
    per: tuple[tuple[str, re.Pattern[str]], ...]
    not_followed: Matcher | None
    mask: Matcher | None


def _alternation(spellings: dict[str, list[str]]) -> str:
    return "(?:" + "|".join(s for group in spellings.values() for s in group) + ")"


def _pattern(lex: DoseLexicon, *, named: bool) -> str:
    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    unit = _alternation(lex.units) + r"(?![a-z\u00b5\u03bc])"
    per = rf"(?:\s*(?:/|per)\s*{g('per', _alternation(lex.per))}\b)?" if lex.per else ""
    return (
        rf"(?<![\w.,/]){g('a', _NUMBER)}(?:\s*{g('ua', unit)})?"
        rf"(?:{_RANGE}{g('b', _NUMBER)})?\s*{g('ub', unit)}{per}"
    )


@compiled_once
def _rules() -> _DoseRules:
    file, lex = load_lexicon("decision_dose.yaml", DoseLexicon)

    def canon(spellings: dict[str, list[str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple(
            (name, re.compile("(?:" + "|".join(group) + ")", re.I))
            for name, group in spellings.items()
        )

    return _DoseRules(
        dose=compile_pattern(_pattern(lex, named=True), file, "units"),
        units=canon(lex.units),
        per=canon(lex.per),
        not_followed=compile_fragments(
            lex.not_followed_by, {}, file, "not_followed_by", heads=False
        ),
        mask=compile_fragments(lex.mask, {"dose": [_pattern(lex, named=False)]}, file, "mask"),
    )


def _canonical(text: str | None, table: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    if text is None:
        return ""
    return next((name for name, regex in table if regex.fullmatch(text.strip())), text.strip())


def _format(m: re.Match[str], rules: _DoseRules) -> str:
    a, b = m.group("a").replace(",", ""), m.group("b")
    ua, ub = _canonical(m.group("ua"), rules.units), _canonical(m.group("ub"), rules.units)
    per = m.groupdict().get("per")
    suffix = f"/{_canonical(per, rules.per)}" if per else ""
    if b is None:
        return f"{a} {ub}{suffix}"
    b = b.replace(",", "")
    if _CHANGE.search(m.string, max(0, m.start() - 8), m.start()) is not None:
        return f"{b} {ub}{suffix}"
    if ua and ua != ub:
        return f"{a} {ua}-{b} {ub}{suffix}"
    return f"{a}-{b} {ub}{suffix}"


def _doses(text: str, rules: _DoseRules) -> list[re.Match[str]]:
    return [
        m
        for m in rules.dose.finditer(text)
        if rules.not_followed is None or rules.not_followed.match(text, m.end()) is None
    ]


def normalize_dose(value: str) -> str | None:
    """The first dose in a short string ("Ibuprofen 200 to 400mg" -> "200-400 mg"), or None."""
    rules = _rules()
    text = value.lower()
    found = _doses(text, rules)
    return _format(found[0], rules) if found else None


def dose_from_text(reading: Reading) -> str | None:
    """The first recommended dose (an unconditional one before a conditional one), or None."""
    rules = _rules()
    masked = reading.masked(rules.mask)
    found = {m.start(): m for m in _doses(reading.text, rules)}
    mentions = [
        reading.mention("dose", m.start(), m.end(), "dose", None)
        for m in found.values()
        if not any(s < m.end() and m.start() < e for s, e in masked)
    ]
    for tier in tiers(mentions):
        if tier:
            return _format(found[min(t.start for t in tier)], rules)
    return None
