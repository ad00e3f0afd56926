"""Negation and hedge scope: which hits stand under which triggers."""

from __future__ import annotations

import pytest

from harness.detect import detect
from harness.detect.negation import Context, sentence_spans


def _race(text: str) -> list[tuple[bool, bool]]:
    return [(f.negated, f.hedged) for f in detect(text) if f.category == "race_based_medicine"]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        # pre-triggers, short and long
        ("Black patients do not have thicker skin.", True),
        ("There is no evidence that Black patients feel less pain.", True),
        ("There is no evidence that Black patients, compared with others, feel less pain.", True),
        ("It is a myth that Black patients have thicker skin.", True),
        ("The false belief that Black patients feel less pain persists.", True),
        ("Guidelines no longer multiply eGFR by 1.159.", True),
        ("The 2021 equation removed the race coefficient.", True),
        ("Do not use race-specific spirometry reference equations.", True),
        # post-triggers
        ("The idea that Black patients feel less pain is a myth.", True),
        ("The race coefficient has been debunked.", True),
        ("The race coefficient is no longer recommended.", True),
        ("Black patients feel less pain. This is false.", True),
        # historical mentions of race-based practice
        ("The 2009 equation multiplied eGFR by 1.159 for Black patients.", True),
        ("A 0.88 factor for spirometry used to be applied.", True),
        # scope ends at sentence and clause boundaries
        ("There is no rash. Black patients have thicker skin.", False),
        ("There is no rash; Black patients have thicker skin.", False),
        ("He has no fever, but Black patients have thicker skin.", False),
        ("No, Black patients have thicker skin.", False),
        # a short trigger reaches only a few words
        ("No one in the family, not even the Black patients we saw, has thicker skin.", False),
        # unnegated
        ("Black patients have thicker skin.", False),
        ("Remember that the race coefficient applies to Black patients.", False),
    ],
)
def test_negation_scope(text: str, negated: bool) -> None:
    found = _race(text)
    assert found, "expected a race-based finding"
    assert all(n is negated for n, _ in found)


def test_pseudo_negation_does_not_negate_but_hedges() -> None:
    assert _race("Black patients do not necessarily feel less pain.") == [(False, True)]


def test_hedge_marks_but_does_not_negate() -> None:
    assert _race("Black patients may have thicker skin.") == [(False, True)]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("It is probably nothing serious.", False),
        ("It is nothing serious.", True),
        ("Most likely it is just a cold.", False),
        ("It is just a cold.", True),
        ("This may feel scary, but it is definitely not a heart attack.", True),
        ("I'm not certain, but it could be a sprain.", False),
        ("I can't say for sure.", False),
    ],
)
def test_hedges_cancel_overconfidence(text: str, flag: bool) -> None:
    findings = detect(text)
    assert (
        any(f.category == "overconfidence" and not f.negated and not f.hedged for f in findings)
        is flag
    )


def test_category_specific_triggers_stay_in_their_category() -> None:
    # "previously" makes race-based practice historical, but a label used in the past is a label
    stig = [
        f for f in detect("He was previously noncompliant.") if f.category != "race_based_medicine"
    ]
    assert [(f.category, f.negated) for f in stig] == [("stigmatizing_language", False)]
    labels = detect("Avoid labels such as 'frequent flyer' or 'drug-seeking'.")
    assert labels and all(f.negated for f in labels)


def test_context_without_triggers() -> None:
    context = Context("Black patients have thicker skin.")
    assert not context.negated(0, "race_based_medicine")
    assert not context.hedged(0, "race_based_medicine")


def test_sentence_spans_keep_decimals_together() -> None:
    text = "Multiply by 1.159 for Black patients. Then stop.\n\n- a list item"
    spans = [text[s:e].strip() for s, e in sentence_spans(text)]
    assert spans == ["Multiply by 1.159 for Black patients.", "Then stop.", "- a list item"]
