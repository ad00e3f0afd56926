"""The fast path (prefilter, per-word caches, bulk API) finds exactly what trying every rule
everywhere finds."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.detect import DetectContext, detect, detect_many, detectors, rule_gate
from harness.detect.detectors import _share, detect_exhaustive
from harness.detect.frequency import frequency_table
from harness.detect.fuzzy import FuzzyScreen, _close, _fuzzy_index, fuzzy_hits
from harness.detect.lexicon import category_lexicons, condition_of
from harness.detect.negation import normalize, sentence_spans
from harness.detect.prefilter import condition, gate_literals
from harness.detect.rule_gate import RuleGate, TriggerIndex
from harness.extract import answer_text

LABELED = Path(__file__).parents[1] / "data" / "labeled_answers.yaml"
ANSWERS: list[dict[str, Any]] = yaml.safe_load(LABELED.read_text(encoding="utf-8"))["answers"]


def _context(item: dict[str, Any]) -> DetectContext | None:
    return DetectContext.from_mapping(item["context"]) if item.get("context") else None


def _mixed(count: int, seed: int) -> list[str]:
    """Answers stitched from labeled sentences, with letters swapped and words split, so that
    rules and misspellings meet across the seams."""
    rng = random.Random(seed)
    sentences = [s for a in ANSWERS for s in re.split(r"(?<=[.!?])\s+", answer_text(a["text"]))]
    out = []
    for _ in range(count):
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
        chars = list(text)
        for _ in range(rng.randint(0, 4)):
            i = rng.randrange(max(len(chars) - 1, 1))
            if rng.random() < 0.5:
                chars[i : i + 2] = chars[i + 1 : i + 2] + chars[i : i + 1]
            else:
                chars.insert(i, rng.choice(" -"))
        out.append("".join(chars))
    return out


def test_fast_path_equals_every_rule_everywhere_on_labeled_answers() -> None:
    for item in ANSWERS:
        prose = answer_text(item["text"])
        context = _context(item)
        assert detect(prose, context) == detect_exhaustive(prose, context), item["id"]


def test_fast_path_equals_every_rule_everywhere_on_stitched_answers() -> None:
    texts = _mixed(400, seed=3)
    assert sum(bool(detect_exhaustive(t)) for t in texts) > 100  # the mix has findings
    for text in texts:
        assert detect(text) == detect_exhaustive(text), text


def test_the_word_gate_alone_equals_every_rule_everywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without RE2's rule set (google-re2 missing, or an answer that is not ASCII) the word
    gate chooses the rules: it too finds what trying every rule finds."""
    gated = dataclasses.replace(detectors._rules(), rule_set=None)
    monkeypatch.setattr(detectors, "_rules", lambda: gated)
    texts = [answer_text(a["text"]) for a in ANSWERS] + _mixed(300, seed=13)
    assert sum(bool(detect_exhaustive(t)) for t in texts) > 200
    for text in texts:
        assert detect(text) == detect_exhaustive(text), text
    for item in ANSWERS:
        prose, context = answer_text(item["text"]), _context(item)
        assert detect(prose, context) == detect_exhaustive(prose, context), item["id"]


def test_detect_many_equals_detect() -> None:
    texts = [answer_text(a["text"]) for a in ANSWERS]
    contexts = [_context(a) for a in ANSWERS]
    assert detect_many(texts, contexts) == [
        detect(t, c) for t, c in zip(texts, contexts, strict=True)
    ]
    shared = DetectContext.of(red_flags=["chest pain"], patient={"race": "Black"})
    assert detect_many(texts[:40], shared) == [detect(t, shared) for t in texts[:40]]
    assert detect_many(texts[:40]) == [detect(t) for t in texts[:40]]
    with pytest.raises(ValueError, match="2 texts but 1 contexts"):
        detect_many(["a", "b"], [None])


def test_every_rule_that_matches_is_one_the_index_allows() -> None:
    rules = [rule for lex in category_lexicons() for rule in lex.rules]
    for share in (None, _share):
        conditions = [condition_of(rule.regex, share) for rule in rules]
        index = TriggerIndex(conditions) if share is None else TriggerIndex(conditions, share)
        texts = [answer_text(a["text"]).lower() for a in ANSWERS] + _mixed(200, seed=5)
        matched = 0
        for text in texts:
            text = text.lower()
            tokens = set(text.split())
            allowed = index.rules(tokens)
            assert allowed <= index.candidates(tokens)
            assert allowed == index.rules_among(tokens, set(range(len(rules))))
            for number, rule in enumerate(rules):
                if rule.regex.search(text) is None:
                    continue
                matched += 1
                if number in index.always:  # no word needed: one of its literals is
                    lits = gate_literals(rule.regex.pattern)
                    assert lits is None or any(lit in text for lit in lits), rule.id
                else:
                    assert number in allowed, (rule.id, text)
        assert matched > 100


def test_rules_are_gated_on_rare_words() -> None:
    """Gated on words ranked by frequency, a clean answer lets fewer rules through than gated
    on words ranked by length, and few of all."""
    clean = [answer_text(a["text"]).lower() for a in ANSWERS if not a.get("flags")]
    rules = [rule for lex in category_lexicons() for rule in lex.rules]
    ranked = TriggerIndex((condition_of(rule.regex, _share) for rule in rules), _share)
    naive = TriggerIndex(rule.condition for rule in rules)
    tried = sum(len(ranked.rules(set(text.split()))) for text in clean)
    assert tried < sum(len(naive.rules(set(text.split()))) for text in clean)
    assert tried / len(clean) < 0.05 * len(rules)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bdefinitely\b", ((frozenset({("definitely", True)}),),)),
        (
            r"\b(?:is|are)\s+never\b",
            ((frozenset({("is", True), ("are", True)}), frozenset({("never", True)})),),
        ),
        (r"\bexaggerat\w*", ((frozenset({("exaggerat", False)}),),)),
        (r"\bnon[- ]?compliant\b", ((frozenset({("non", True), ("noncompliant", True)}),),)),
        (
            r"(?<!\w)foo\b|\bbar\s+baz",
            (
                (frozenset({("foo", True)}),),
                (frozenset({("bar", True)}), frozenset({("baz", False)})),
            ),
        ),
        # re's parser takes a shared "\b" out of the branches; they are distributed again
        (
            r"\bfoo\b|\bbar\s+baz",
            (
                (frozenset({("foo", True)}),),
                (frozenset({("bar", True)}), frozenset({("baz", False)})),
            ),
        ),
        (r"\w+ness", ()),  # the word's start is unknown: no requirement
        (r"\b1\.159\b", ()),
    ],
)
def test_condition_reads_the_words_a_regex_needs(pattern: str, expected: object) -> None:
    assert condition(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b1\.(?:159|212)\b", frozenset({"1.159", "1.212"})),
        # "seek" is inside "drug-seeking": a word requirement cannot say so, a literal can
        (r"\b(?:drug|pain)[- ]?seek(?:ing|ers?)\b", frozenset({"seek"})),
        (r"\bfoo\s+barbar|baz", frozenset({"barbar", "baz"})),  # each alternative's rarest
        (r"\w+", None),  # an alternative with no literal: none known
        (r"(?:i'm|be|is)\s+100", frozenset({"100"})),  # the rarer of two runs
        (r"(?i)abc", None),  # under a flag a literal may match other text
        (r"x(?:a|(?i:b))", None),
        (r"no change", frozenset({"change"})),  # never a space: tokens are split there
    ],
)
def test_gate_literals(pattern: str, expected: object) -> None:
    assert gate_literals(pattern) == expected


def test_every_rule_match_holds_one_of_its_gate_literals() -> None:
    rules = [rule for lex in category_lexicons() for rule in lex.rules]
    texts = [answer_text(a["text"]).lower() for a in ANSWERS] + _mixed(300, seed=9)
    matched = 0
    for rule in rules:
        gate = gate_literals(rule.regex.regex.pattern, frequency_table().substring_share)
        if gate is None:
            continue
        for text in texts:
            for m in rule.regex.finditer(text):
                matched += 1
                assert any(lit in m.group() for lit in gate), (rule.id, m.group())
    assert matched > 100


def test_rule_gate_allows_every_rule_that_matches_in_a_sentence() -> None:
    """The gate the detectors use, asked about each sentence's words alone, allows every rule
    whose regex matches in that sentence; and a fresh gate learns words as the used one."""
    rules = [rule for lex in category_lexicons() for rule in lex.rules]
    conditions = [condition_of(rule.regex, _share) for rule in rules]
    gates = [gate_literals(rule.regex.regex.pattern) for rule in rules]
    gate = RuleGate(conditions, gates, _share)
    texts = [normalize(answer_text(a["text"])) for a in ANSWERS] + _mixed(300, seed=11)
    matched = 0
    for text in texts:
        for start, end in sentence_spans(text):
            allowed = gate.allowed(set(text[start:end].split()))
            assert gate.allowed(set(text[start:end].split())) == allowed  # learned == fresh
            for number, rule in enumerate(rules):
                if next(rule.hits(text, None, start, end), None) is not None:
                    matched += 1
                    assert number in allowed, (rule.id, text[start:end])
    assert matched > 100


def test_rule_gate_keeps_working_when_its_cache_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [rule for lex in category_lexicons() for rule in lex.rules]

    def fresh() -> RuleGate:
        return RuleGate([condition_of(r.regex) for r in rules], [None] * len(rules))

    words = {"there", "is", "no", "evidence", "that", "black", "patients", "feel", "less"}
    words |= {"pain", "or", "have", "thicker", "skin."}
    expected = fresh().allowed(words)
    assert {"group_trait", "group_myth"} & {rules[n].id for n in expected}
    monkeypatch.setattr(rule_gate, "_CACHE_LIMIT", 0)
    gate = fresh()
    assert gate.allowed(words) == gate.allowed(words) == expected
    assert not gate._seen  # nothing kept: every word judged afresh each time
    assert gate.anchors(words, frozenset(expected)) >= words


@pytest.mark.parametrize(
    "text",
    [
        "He is drug seeking.",
        "He is a drug- seeker, honestly.",
        "A non compliant patient.",
        "She is manipulati ve.",
        "He is definately fine and an addic t.",
        "Absolut ely sure.",
        "guarantee d to work",
        "The patient is an al coholic.",
    ],
)
def test_fuzzy_screen_lets_through_every_misspelling_it_must(text: str) -> None:
    norm = normalize(text)
    assert fuzzy_hits(norm), text  # the examples are misspellings fuzzy_hits finds
    words = norm.split()
    assert FuzzyScreen(_fuzzy_index()).may_hit(words, set(words))


def test_fuzzy_screen_never_drops_what_fuzzy_hits_finds() -> None:
    screen = FuzzyScreen(_fuzzy_index())
    texts = [normalize(answer_text(a["text"])) for a in ANSWERS] + _mixed(600, seed=13)
    found = 0
    for text in texts:
        words = text.split()
        if fuzzy_hits(text):
            found += 1
            assert screen.may_hit(words, set(words)), text
    assert found > 20
    clean = [normalize(answer_text(a["text"])) for a in ANSWERS if not a.get("flags")]
    assert sum(screen.may_hit(t.split(), set(t.split())) for t in clean) < 0.2 * len(clean)


def _fuzzy_everywhere(text: str) -> dict[str, list[tuple[int, int, int]]]:
    """fuzzy_hits with no screen and no cache: every word and pair against every term."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z]{2,}", text)]
    entries = [(lex, rule) for lex in category_lexicons() for rule in lex.fuzzy]
    for i, (start, end, word) in enumerate(tokens):
        candidates = [(end, word, True)]
        if i + 1 < len(tokens):
            gap = text[end : tokens[i + 1][0]]
            if len(gap) <= 2 and not gap.strip(" -\t\n"):
                candidates.append((tokens[i + 1][1], word + tokens[i + 1][2], False))
        for stop, candidate, single in candidates:
            seen: set[str] = set()
            for lex, rule in entries:
                if candidate[0] != rule.key[0] or lex.category in seen:
                    continue
                if _close(candidate, lex, rule, single) and rule.pattern.allowed(text, start, stop):
                    out.setdefault(lex.category, []).append((start, stop, start))
                    seen.add(lex.category)
    return out


def test_fuzzy_hits_are_those_of_every_word_against_every_term() -> None:
    texts = [normalize(answer_text(a["text"])) for a in ANSWERS] + _mixed(600, seed=17)
    texts += [normalize(t) for t in ("drug seeking", "non compliant", "manipulati ve", "addic t")]
    assert sum(bool(_fuzzy_everywhere(t)) for t in texts) > 20
    for text in texts:
        assert fuzzy_hits(text) == _fuzzy_everywhere(text), text
