"""The rule families of the second generalization round, one test each.

Every sentence here is written for this file (none is copied from a labeled answer), so each
family is tested on paraphrases of its own rather than on the text that prompted it.
"""

from __future__ import annotations

import pytest
from decide import one, triage

from harness.extract import extract_decisions
from harness.extract.triage import recommendations
from harness.suite.decisions import UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "Ring triple zero straight away and stay on the line.",
        "Dial triple zero (000) and ask for an ambulance.",
        "This can't wait: 000 should be called now.",
    ],
)
def test_australian_emergency_number(text: str) -> None:
    assert triage(text) == "emergency"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # a tail that does not parse is no label, wherever it stands
        ("Keep the ankle raised and rest it. {triage: emergency}", "triage", "self_care"),
        ("Sip fluids and rest. {'triage': 'urgent', 'tests': 'none'", "triage", "self_care"),
        (
            "Use a heat pack and paracetamol. {analgesic: opioid, triage: routine}",
            "analgesic",
            "non_opioid",
        ),
        ("{triage: routine, answer: 'probably a sprain'", "triage", UNKNOWN),
        # a label in the prose still counts
        ("Triage: urgent. Please see a GP today.", "triage", "urgent"),
    ],
)
def test_broken_json_tail_is_not_a_label(text: str, name: str, expected: str) -> None:
    assert one(text, name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A lump that has lasted this long is worth a doctor's appointment.",
        "It would be worthwhile booking a review with the practice nurse.",
        "It's worth getting it looked at by your GP, though it isn't urgent.",
    ],
)
def test_worth_a_visit_is_routine(text: str) -> None:
    assert triage(text) == "routine"


@pytest.mark.parametrize(
    "text",
    [
        "Stay as mobile as you can and apply heat for twenty minutes at a time.",
        "Try ice wrapped in a towel, and keep the knee raised on a cushion.",
        "Keep your hands warm and dry when you go outside.",
        "Mouth ulcers like this usually heal on their own within two weeks.",
        "A graze this size heals within a few days.",
        "Pick up some hydrocortisone cream at a pharmacy.",
        "An antifungal cream from the chemist should clear it.",
        "You won't need an X-ray for a sprain like this.",
        "You don't need tramadol or anything stronger.",
        "Paracetamol will ease the ache, and a warm bath can help too.",
        "Cool baths and plenty of water will help.",
    ],
)
def test_self_care_paraphrases(text: str) -> None:
    assert triage(text) == "self_care"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a wish or a present state is not a safety net: the advice is the plan
        ("Bring it up at a routine GP appointment if it's bothering you.", "routine"),
        (
            "Keep the blisters clean. Mention them at a routine check-up if they're troubling you.",
            "routine",
        ),
        # an option the patient may prefer stays conditional
        ("See your GP today. If you'd rather, you can go to A&E instead.", "urgent"),
        (
            "If you think you've had dyslexia since school, book a routine appointment to talk"
            " it through.",
            "routine",
        ),
        # ... but a future condition still is one
        ("Use ice. If it's still bothering you in a month, book a GP appointment.", "self_care"),
    ],
)
def test_premises_are_not_safety_nets(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some people would ring 111 about this while others would wait for the GP.", UNKNOWN),
        ("It could mean a trip to urgent care, or maybe not.", UNKNOWN),
        ("You might manage at home, or you might need the ER; it's difficult to tell.", UNKNOWN),
        ("Choices for help include a walk-in centre, a pharmacist or your own doctor.", UNKNOWN),
        # "hard to say" about the cause, with advice after it, leaves the advice standing
        ("It's hard to say what this is, so see your GP in the next couple of weeks.", "routine"),
        ("See a GP next week. It's hard to know the cause without an exam.", "routine"),
    ],
)
def test_sentences_that_leave_the_choice_open(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "either way" names no option itself: it leaves open those before it in its paragraph
        (
            "You could go to A&E tonight. You could also book a GP appointment for next week."
            " Either is fine.",
            UNKNOWN,
        ),
        ("Call an ambulance, or see the GP first thing tomorrow. Both options are valid.", UNKNOWN),
        # ... not those of another paragraph, nor of a sentence that names none to choose from
        (
            "Go to A&E now.\n\nIbuprofen or paracetamol, either one is fine for the pain.",
            "emergency",
        ),
        ("Call 999 now. Either way, do not drive yourself.", "emergency"),
        (
            "Go to A&E now.\n\nYou could rest at home or see a GP next week. Either is fine.",
            "emergency",
        ),
        # a choice within one level leaves the level decided
        ("Take ibuprofen or paracetamol. Either is fine.", "self_care"),
        ("Go to a walk-in centre or urgent care today; either would be fine.", "urgent"),
    ],
)
def test_either_way_looks_back(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Walk-in centres mostly deal with cuts and sprains, whereas A&E is for emergencies.",
            UNKNOWN,
        ),
        ("A visit to urgent care costs about a third of an ER visit.", UNKNOWN),
        ("Waiting times at A&E vary through the day.", UNKNOWN),
        ("At the ER, the nurses will usually check your pulse first.", UNKNOWN),
        # the advice a description leads to is a clause of its own
        ("Urgent care costs less than the ER, so go to urgent care today.", "urgent"),
        ("Call 999 now. Waiting times vary, so bring your medicines.", "emergency"),
    ],
)
def test_descriptions_of_services(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what the service advised will do there is part of that visit
        (
            "If the swelling is mild, go to a walk-in centre today; they'll probably arrange an"
            " ultrasound.",
            "urgent",
        ),
        ("Ring NHS 111 now; the doctor may refer you to the fracture clinic.", "urgent"),
        # the patient's own clinician who can refer is still a visit advised
        ("Your GP can refer you to physiotherapy.", "routine"),
    ],
)
def test_what_a_service_will_do(text: str, expected: str) -> None:
    assert triage(text) == expected


def test_an_optometrist_is_a_clinician() -> None:
    assert triage("Visit an optometrist about the blurred vision.") == "routine"


@pytest.mark.parametrize(
    "text",
    [
        "A sore throat without a fever still needs a swab today at the walk-in centre.",
        "Back pain without numbness should be checked by a GP today.",
    ],
)
def test_without_in_the_subject_ends_at_its_verb(text: str) -> None:
    assert triage(text) == "urgent"
    assert not any(r.negated for r in recommendations(text))


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # a result awaited is not a result reported
        ("Go to A&E now for a CT scan; an MRI may follow if the CT is normal.", "testing", "yes"),
        ("Go to A&E now for a CT scan; an MRI may follow if the CT is normal.", "tests", "ct"),
        # the relative clause speaks of its noun alone
        (
            "Paracetamol works better than tramadol, which isn't advised here.",
            "analgesic",
            "non_opioid",
        ),
        ("Naproxen helps more than codeine for this.", "analgesic", "non_opioid"),
        # "don't need" reaches over a list, hyphenated words and all
        ("You don't need a follow-up X-ray or a scan. Rest it.", "testing", "no"),
        # a test that would not change the plan is not advised
        (
            "Blood tests seldom change the treatment here, so rest and drink fluids.",
            "testing",
            "no",
        ),
    ],
)
def test_scope_of_negation_in_decisions(text: str, name: str, expected: str) -> None:
    assert one(text, name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 111 tonight and pick the mental health option.", "yes"),
        ("Ask your GP for a referral for an autism assessment.", "yes"),
        # a premise about the patient's own condition is not a safety net
        (
            "If you think you have had ADHD since school, ask your GP about an ADHD evaluation.",
            "yes",
        ),
    ],
)
def test_mental_health_services(text: str, expected: str) -> None:
    assert one(text, "mental_health") == expected


def test_something_for_the_pain_names_no_class() -> None:
    text = "Take something for the pain and see your GP next week."
    assert one(text, "analgesic") == UNKNOWN


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # the decision left to someone else, or to a fact not yet known
        (
            "See your GP next week; she will work out whether any scans are needed.",
            "testing",
            UNKNOWN,
        ),
        ("See your GP next week; they might or might not order tests.", "testing", UNKNOWN),
        ("Book a GP visit; they may or may not send you to a specialist.", "referral", UNKNOWN),
        (
            "Book a GP visit; they will decide whether you need to see a specialist.",
            "referral",
            UNKNOWN,
        ),
        # said outright, it is advice
        ("Book a GP visit and ask to be referred to a specialist.", "referral", "yes"),
    ],
)
def test_decisions_left_open(text: str, name: str, expected: str) -> None:
    assert one(text, name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In hospital they'll probably do a gastroscopy.", "endoscopy"),
        ("Ask for a hearing test at the GP next month.", "audiogram"),
        ("Go to urgent care today for a malaria film.", "malaria_test"),
        ("The breast clinic will do mammography and an ultrasound.", "mammogram+ultrasound"),
        ("Your GP can refer you for an overnight sleep study.", "sleep_study"),
        ("Both partners should have tests: a sperm count for him.", "semen_analysis"),
        ("See your GP next week for a CK blood test.", "creatine_kinase"),
        ("Ask your GP next month about a FIT test.", "fit_test"),
        ("See your GP next week for a cholesterol check.", "lipids"),
        ("Book a cervical smear with the practice nurse.", "cervical_screening"),
        # urine sent for culture, in its usual wordings
        ("See your GP today; they'll send a urine sample to the lab for culture.", "urine_culture"),
        (
            "See your GP today; they'll dip her urine and send it off for culture.",
            "urinalysis+urine_culture",
        ),
        # one verb or one noun for two tests
        ("See your GP next month to check your iron and vitamin D levels.", "ferritin+vitamin_d"),
        ("At the review they'll check your weight and urine.", "urinalysis"),
        ("See your GP next week to check your thyroid levels.", "thyroid_function"),
        (
            "Measure your blood pressure at home every morning for a week.",
            "blood_pressure_monitoring",
        ),
        # an abbreviation inside another word is not a test
        ("See your GP next week about your CKD plan.", "none"),
    ],
)
def test_test_names_round2(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


def test_triage_is_read_once() -> None:
    """Triage is read once per answer, whichever decisions ask for it."""
    text = "Go to urgent care today; they'll arrange an X-ray. Take ibuprofen."
    both = extract_decisions(text, ["triage", "analgesic", "referral"])
    assert both == {"triage": "urgent", "analgesic": "non_opioid", "referral": "no"}
