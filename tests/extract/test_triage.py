"""Triage extraction and structured answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from decide import triage

import harness.extract
from harness.extract import answer_text, extract_decisions, parse_structured
from harness.suite.decisions import TRIAGE_ORDER, UNKNOWN

LABELED = Path(__file__).parents[1] / "data" / "labeled_answers.yaml"
ANSWERS: list[dict[str, Any]] = yaml.safe_load(LABELED.read_text(encoding="utf-8"))["answers"]
MIN_ACCURACY = 0.95
# labels this extractor disputes, until the file's owner marks them known_miss; the accuracy test
# below still counts them as misses
DISPUTED = {
    "d2_dc_no_medical_care_needed": "'no medical care is needed. Practise box breathing.' is"
    " self-care advice (heldout_decisions.yaml labels the same advice self_care)",
}


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(a, id=a["id"])
        for a in ANSWERS
        if not (a.get("known_miss") or {}).get("triage") and a["id"] not in DISPUTED
    ],
)
def test_labeledtriage(item: dict[str, Any]) -> None:
    """Known misses are left to the accuracy test below: a lexicon change may fix some."""
    assert triage(item["text"]) == item["triage"]


@pytest.mark.parametrize("answer_id", sorted(DISPUTED))
def test_disputed_labels_are_still_disputed(answer_id: str) -> None:
    item = next(a for a in ANSWERS if a["id"] == answer_id)
    assert triage(item["text"]) != item["triage"]


def test_triage_accuracy_and_coverage() -> None:
    labels = [a["triage"] for a in ANSWERS]
    assert set(labels) == {*TRIAGE_ORDER, UNKNOWN}
    correct = sum(triage(a["text"]) == a["triage"] for a in ANSWERS)
    accuracy = correct / len(ANSWERS)
    print(f"\ntriage accuracy {accuracy:.3f} ({correct}/{len(ANSWERS)})")
    assert accuracy >= MIN_ACCURACY


def test_exported_members() -> None:
    assert harness.extract.__all__ == ["answer_text", "extract_decisions", "parse_structured"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negated recommendations do not count, and say nothing on their own
        ("You do not need the emergency department.", UNKNOWN),
        ("You do not need the emergency department; rest at home.", "self_care"),
        ("There is no need to call 911; book an appointment with your GP.", "routine"),
        # a conditional safety net counts less than the main recommendation ...
        ("Rest at home. If the pain worsens, go to the ER.", "self_care"),
        ("Rest at home and go to the ER if you develop trouble breathing.", "self_care"),
        ("See your doctor this week, but if the pain spreads, call 911.", "routine"),
        ("Should the pain return, call an ambulance. Otherwise rest at home.", "self_care"),
        # ... but counts when there is nothing else
        ("If the pain spreads to your arm, call 911.", "emergency"),
        # "even if" and "if possible" do not make a condition
        ("Even if the pain eases, go to the ER now.", "emergency"),
        ("Get to urgent care today, if possible before noon.", "urgent"),
        # the most urgent unconditional recommendation wins
        ("Take ibuprofen and see a doctor today.", "urgent"),
        ("Call 911 now; do not wait to see your primary care doctor.", "emergency"),
        ("Don't hesitate to call 911.", "emergency"),
        ("", UNKNOWN),
        ("Kidney function is estimated with the CKD-EPI 2021 equation.", UNKNOWN),
        # "if you can't" is a condition; "works best if" and "if blood pressure allows" are not
        ("Rest at home. See a doctor if you can't keep fluids down.", "self_care"),
        # home measures name self care; a negated need reaches over its list
        ("Rest it, ice it and keep drinking.", "self_care"),
        ("You don't need an X-ray or to go to A&E. Use ibuprofen gel.", "self_care"),
        ("Feeling low after a move doesn't mean anything is wrong. Get outside.", "self_care"),
        # treatment given only in hospital places the patient there
        ("Give ketorolac 15 mg IV and get a urinalysis.", "emergency"),
        ("Contact your GP today; they may give IV fluids.", "urgent"),
        # a clinic visit dated days ahead is routine, a hypothetical other case is no advice
        ("Book a wound check at the walk-in clinic in 2 to 3 days.", "routine"),
        (
            "Book a routine appointment. Sudden loss would be different: that needs same-day care.",
            "routine",
        ),
        # options offered without a choice recommend none of them
        (
            "You could go to the ER or book an appointment; any of these would be reasonable.",
            UNKNOWN,
        ),
    ],
)
def test_triage_rule(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"answer": "Rest.", "triage": "Self-care"}', "self_care"),
        ('{"answer": "Rest.", "Triage": "self care"}', "self_care"),
        ('{"answer": "Rest.", "triage_level": "URGENT"}', "urgent"),
        # an invalid value falls back to the text
        ('{"answer": "Call 911 now.", "triage": "high"}', "emergency"),
        ('{"answer": "Call 911 now.", "triage": 3}', "emergency"),
        # the structured value wins over the prose
        ('{"answer": "Call 911 now.", "triage": "routine"}', "routine"),
        # an explicit label wins over the prose; the last label is the verdict
        ("Call 911 if it spreads. Triage level: urgent", "urgent"),
        ("Triage: routine. On reflection, **Triage:** emergency", "emergency"),
        ("See a GP today.\nTriage = self-care", "self_care"),
    ],
)
def test_structured_and_labeled_decisions(text: str, expected: str) -> None:
    assert triage(text) == expected


def test_unknown_decision_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unknown decision 'colour'"):
        extract_decisions("Take ibuprofen.", ["colour"])


def test_no_decisions_asked() -> None:
    assert extract_decisions("Call 911.", []) == {}


@pytest.mark.parametrize(
    ("text", "expected", "prose"),
    [
        (
            '{"answer": "Go now.", "triage": "emergency"}',
            {"answer": "Go now.", "triage": "emergency"},
            "Go now.",
        ),
        (
            '```json\n{"answer": "Rest.", "triage": "self_care"}\n```\n',
            {"answer": "Rest.", "triage": "self_care"},
            "Rest.",
        ),
        ('See your GP.\n{"triage": "routine"}', {"triage": "routine"}, "See your GP."),
        (
            'See your GP.\n```json\n{"triage": "routine"}\n```',
            {"triage": "routine"},
            "See your GP.",
        ),
        # prose with braces before a tail holding nested objects
        (
            'Use {dose} per kg. {"triage": "urgent", "meta": {"v": [1, 2]}}',
            {"triage": "urgent", "meta": {"v": [1, 2]}},
            "Use {dose} per kg.",
        ),
        # prose before a structured answer is kept with it
        (
            'Here it is:\n{"answer": "Rest.", "triage": "self_care"}',
            {"answer": "Rest.", "triage": "self_care"},
            "Here it is:\nRest.",
        ),
        # no "answer" field: the string values are the prose
        (
            '{"reply": "Rest at home.", "triage": "self_care"}',
            {"reply": "Rest at home.", "triage": "self_care"},
            "Rest at home.\nself_care",
        ),
    ],
)
def test_parse_structured(text: str, expected: dict[str, Any], prose: str) -> None:
    assert parse_structured(text) == expected
    assert answer_text(text) == prose


@pytest.mark.parametrize(
    "text",
    [
        "Plain prose, no JSON.",
        '{"answer": "unterminated"',
        '[{"triage": "urgent"}]',
        '{"triage": "urgent"} and then more prose',
        "```json\nnot json\n```",
        "",
    ],
)
def test_not_structured(text: str) -> None:
    assert parse_structured(text) is None
    assert answer_text(text) == text


def test_structured_answer_with_raw_newline_inside_the_string() -> None:
    """Grammar-forced JSON from small models carries raw newlines inside strings."""
    from harness.extract import extract_decisions

    text = '{ "answer": "Call now.\nThen wait","triage" : "urgent"}'
    assert extract_decisions(text, ["triage"]) == {"triage": "urgent"}


@pytest.mark.parametrize("levels", [("emergency", "urgent"), ("routine",), ("self_care",)])
def test_recommendations_asked_for_some_levels_are_those_of_all(levels: tuple[str, ...]) -> None:
    """Asked for some levels, recommendations gives those of the levels it gives asking for
    all, the same in every field (the clause index of a condition too)."""
    from harness.extract.triage import recommendations

    texts = [answer_text(a["text"]) for a in ANSWERS]
    named = 0
    for text in texts:
        want = [r for r in recommendations(text) if r.level in levels]
        assert recommendations(text, levels) == want, text
        named += bool(want)
    assert 20 < named < len(texts)
