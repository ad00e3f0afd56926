"""The fast path (prefilter, per-word caches, bulk API) finds exactly what trying every rule
everywhere finds."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.detect import DetectContext, detect, detect_many
from harness.detect.detectors import _share, detect_exhaustive
from harness.detect.lexicon import category_lexicons, condition_of
from harness.detect.prefilter import TriggerIndex, condition, literals
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
                    lits = literals(rule.regex.pattern)
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


def test_literals_of_rules_without_words() -> None:
    assert literals(r"\b1\.(?:159|212)\b") == frozenset({"1.159", "1.212"})
    assert literals(r"(?:i'm|be|is)\s+100") == frozenset({"100"})
    assert literals(r"\w+") is None
