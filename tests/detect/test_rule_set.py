"""RE2 as a screen (rule_set.py): the widened patterns match wherever the lexicons' own do, so
the rule set and the screened searches change no result, only the time taken."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.detect import matcher
from harness.detect.detectors import _rules
from harness.detect.lexicon import category_lexicons
from harness.detect.matcher import Matcher
from harness.detect.negation import context_rules, normalize, sentence_spans
from harness.detect.rule_set import RuleSet, first_start, located, screen, widened
from harness.extract import answer_text
from harness.extract.lexicon import decision_scope
from harness.extract.triage import _rules as triage_rules

LABELED = Path(__file__).parents[1] / "data" / "labeled_answers.yaml"
ANSWERS: list[dict[str, Any]] = yaml.safe_load(LABELED.read_text(encoding="utf-8"))["answers"]


def _matchers(value: object, seen: set[int] | None = None) -> list[Matcher]:
    """Every Matcher held in a (nested) dataclass, tuple or list."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, Matcher):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        children: list[object] = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, tuple | list):
        children = list(value)
    else:
        return []
    return [m for child in children for m in _matchers(child, seen)]


def _all_matchers() -> list[Matcher]:
    found = _matchers([category_lexicons(), context_rules(), triage_rules(), decision_scope()])
    unique = {(m.body, m.boundary): m for m in found}
    assert len(unique) > 150  # the rules, their exceptions, triggers, triage levels
    return list(unique.values())


def _texts(count: int, seed: int) -> list[str]:
    """Labeled answers, lowered, and stitches of their sentences with letters swapped, words
    joined, a stray non-ASCII letter now and then."""
    rng = random.Random(seed)
    prose = [normalize(answer_text(a["text"])) for a in ANSWERS]
    sentences = [s for text in prose for s in re.split(r"(?<=[.!?])\s+", text)]
    out = list(prose)
    for _ in range(count):
        chars = list(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 8))))
        for _ in range(rng.randint(0, 5)):
            i = rng.randrange(max(len(chars) - 1, 1))
            edit = rng.random()
            if edit < 0.4:
                chars[i : i + 2] = chars[i + 1 : i + 2] + chars[i : i + 1]
            elif edit < 0.8:
                chars.insert(i, rng.choice(" -\n.,"))
            elif edit < 0.9:
                del chars[i]
            else:
                chars.insert(i, rng.choice("éü\u2014"))
        out.append("".join(chars))
    return out


def _spans(m: Matcher, text: str, pos: int, end: int) -> list[tuple[int, int]]:
    return [found.span() for found in m.finditer(text, pos, end)]


def test_screened_searches_find_what_python_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Matcher of the lexicons, over whole texts and stretches cut anywhere (inside a
    word too), finds the same matches screened by RE2 as with Python's re alone."""
    matchers = _all_matchers()
    texts = _texts(150, seed=21)
    rng = random.Random(4)
    cuts = []
    for text in texts:
        cuts.append((text, 0, len(text)))
        a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        cuts.append((text, a, b))
    monkeypatch.setattr(matcher, "_SCREEN_WORK", 10**12)
    expected = [[_spans(m, *cut) for cut in cuts] for m in matchers]
    monkeypatch.setattr(matcher, "_SCREEN_WORK", 0)
    screened = [[_spans(m, *cut) for cut in cuts] for m in matchers]
    found = sum(bool(spans) for row in expected for spans in row)
    assert found > 1000
    for m, want, got in zip(matchers, expected, screened, strict=True):
        assert got == want, m.pattern[:120]
    assert sum(m._screen is not None for m in matchers) > 0.95 * len(matchers)


def test_rule_set_names_every_rule_that_matches_in_a_sentence() -> None:
    """For each sentence, the rules whose regex matches there (as the detectors try them) are
    among those the set finds in the whole text; and the set finds few others."""
    rules = _rules()
    assert rules.rule_set is not None
    patterns = [rules.lexicons[i].rules[j] for i, j in rules.owner]
    texts = [t for t in _texts(300, seed=8) if t.isascii()]
    matched = named = 0
    for text in texts:
        maybe = rules.rule_set.matching(text)
        assert maybe is not None
        named += len(maybe)
        for start, end in sentence_spans(text):
            for number, rule in enumerate(patterns):
                if next(rule.regex.finditer(text, start, end), None) is not None:
                    matched += 1
                    assert number in maybe, (rule.id, text[start:end])
    assert matched > 300
    assert named < 3 * matched


def test_sentences_start_and_end_where_a_word_boundary_reads_alike() -> None:
    """The rule set searches a whole answer for what the rules seek sentence by sentence: a
    word boundary reads alike only if no sentence starts just after a word character or ends
    with one before the end of the text (rule_set's docstring)."""
    texts = _texts(400, seed=2) + ["e.g. x. Dr. Who vs. them.\n\n- one\n2) two!?\nend", "a.b. c"]
    for text in texts:
        for start, end in sentence_spans(text):
            assert start == 0 or not re.match(r"\w", text[start - 1]), (text, start)
            assert end == len(text) or not re.match(r"\w", text[end - 1]), (text, end)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bfoo\s+bar\b", r"\bfoo(?:[\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} ]){1,}bar\b"),
        (r"(?<!\w)(?:no|not)(?!\w)", r"\bno(?:|t)"),  # before a word: a boundary
        (r"(?<!\w)(?:no|\.5)", r"(?:no|\x{2e}5)"),  # not only before one: dropped
        (r"(?<![\d.])0\.88", r"0\x{2e}88"),
        (r"^a$", "a"),
        (r"a.b", r"a[^\n]b"),
        (r"(?s)a.b", r"a[\x{0}-\x{10ffff}]b"),
        (r"x{2,5}?", r"(?:x){2,5}"),
        (r"(?P<core>a)|b", r"(?:(?:a)|b)"),
        (r"[^\s]", r"[^\t\n\x{0b}\x{0c}\r\x{1c}-\x{1f} ]"),
        (r"(a)\1", None),  # a back-reference: RE2 has none
        (r"[^\S]", None),  # RE2's \S holds more than Python's: its complement less
        (r"a{1001}", None),
        (r"(?:foo)?", None),  # may match nothing: left to Python's re
        (r"a|b*", None),
    ],
)
def test_widened(pattern: str, expected: str | None) -> None:
    assert widened(pattern) == expected


def test_a_rule_re2_cannot_take_is_always_maybe_and_other_text_gets_no_verdict() -> None:
    patterns = [(r"\bfoo\b", None), (r"(a)\1", None), ("bar", "word_boundary")]
    rule_set = RuleSet([located(body, boundary) for body, boundary in patterns])
    assert rule_set.always == {1}
    assert rule_set.matching("a foo here") == {0, 1}
    assert rule_set.matching("crowbar") == {1}
    assert rule_set.matching("barn") == {1, 2}  # "\\bbar": no boundary after
    assert rule_set.matching("crème brûlée foo") is None
    assert rule_set.matching("the bar") == {1, 2}


def test_first_start_reads_the_boundary_before_pos() -> None:
    compiled = screen(located("x", "not_after_word"))
    assert first_start(compiled, "ax x", 1, 4) == 3  # "ax": x follows a word character
    assert first_start(compiled, " x", 1, 2) == 1
    assert first_start(compiled, "ax", 1, 2) is None


def _long_phrase_list(rng: random.Random) -> tuple[str, list[str]]:
    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))

    heads, tails = [word() for _ in range(3000)], [word() for _ in range(800)]
    pattern = rf"(?<!\w)(?:{'|'.join(heads)})\s+(?:\w+\s+){{0,6}}?(?:{'|'.join(tails)})\b"
    pool = heads + tails + [word() for _ in range(1000)]
    return pattern, [" ".join(rng.choice(pool) for _ in range(90)) for _ in range(200)]


def test_a_long_phrase_list_gets_the_memory_it_needs(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """RE2's default budget runs out on a list of thousands of phrases: a regex then complains
    on stderr and slows down, a set finds nothing. Sized by its program, neither happens."""
    pattern, texts = _long_phrase_list(random.Random(1))
    m = Matcher.compile(pattern)
    monkeypatch.setattr(matcher, "_SCREEN_WORK", 10**12)
    want = [[found.span() for found in m.finditer(t)] for t in texts]
    monkeypatch.setattr(matcher, "_SCREEN_WORK", 0)
    assert [[found.span() for found in m.finditer(t)] for t in texts] == want
    rules = RuleSet([m.widened, located(r"never", None)])
    assert [0 in (rules.matching(t) or ()) for t in texts] == [bool(spans) for spans in want]
    assert sum(map(bool, want)) > 100
    assert capfd.readouterr().err == ""


def test_the_trigger_set_names_every_trigger_group_that_matches_in_a_sentence() -> None:
    """Negation and hedge triggers are sought in a sentence only in the groups RE2 names
    (ContextRules.allowed): every group whose regex matches there, pseudo-triggers last."""
    for rules in (context_rules(), decision_scope().context):
        assert rules.rule_set is not None
        groups = [t.regex for t in rules.triggers] + ([rules.pseudo] if rules.pseudo else [])
        matched = 0
        for text in _texts(200, seed=6):
            for start, end in sentence_spans(text):
                sentence = text[start:end]
                allowed = rules.allowed(sentence)
                for number, group in enumerate(groups):
                    if next(group.finditer(text, start, end), None) is not None:
                        matched += 1
                        assert number in allowed, (number, sentence)
        assert matched > 300


def test_every_match_in_a_sentence_starts_where_re2_says_a_match_may() -> None:
    """The detectors try a rule only in the sentences holding one of Matcher.starts: every
    match of every rule, sentence by sentence, starts at one of them."""
    rules = [rule for lex in category_lexicons() for rule in lex.rules]
    texts = [t for t in _texts(200, seed=12) if t.isascii()]
    matched = 0
    for rule in rules:
        for text in texts:
            starts = rule.regex.starts(text)
            assert starts is not None, rule.id
            places = set(starts)
            for start, end in sentence_spans(text):
                for found in rule.regex.finditer(text, start, end):
                    matched += 1
                    assert found.start() in places, (rule.id, text[start:end])
    assert matched > 300
