"""One test per rule family added to generalize decision extraction beyond its tuning sets.

Every sentence here is written for this file (none is copied from the labeled answers): each
family should hold on answers no one has seen, so each is tested on paraphrases of its own.
"""

from __future__ import annotations

import pytest
from decide import one, triage

from harness.detect.negation import normalize
from harness.extract.clauses import conditional_spans
from harness.extract.lexicon import decision_scope
from harness.suite.decisions import UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # UK, US and other ways to say "see someone today"
        ("Pop into your local pharmacy this afternoon and ask for a consultation.", "urgent"),
        ("Phone the surgery today and ask for a same-day slot.", "urgent"),
        ("Ring your practice this morning for a call back.", "urgent"),
        ("Let the practice nurse know today so the dressing can be changed.", "urgent"),
        ("Get the mole looked at today by any GP.", "urgent"),
        ("That rash needs checking tonight by an out-of-hours doctor.", "urgent"),
        ("Book to see the nurse in the next day or so.", "urgent"),
        ("See a GP today or tomorrow about the bite.", "urgent"),
        ("Call your GP now and describe the swelling.", "urgent"),
        ("Ask for an appointment this week and tell them it's urgent.", "urgent"),
        ("He should be assessed in hospital this evening.", "emergency"),
        ("She needs to be seen at A&E tonight.", "emergency"),
        # a past hospital stay, or an urgent care clinician who may act, is not advice to go
        ("After being treated in hospital last spring, keep using your inhaler.", "self_care"),
        (
            "The urgent care doctor may prescribe naproxen. See your GP in two weeks.",
            "routine",
        ),
    ],
)
def test_paraphrases_of_a_visit(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an emergency offered beside a less urgent option is not required
        ("Take her to A&E or an urgent treatment centre tonight.", "urgent"),
        ("Go to the ER or phone your doctor today for an urgent review.", "urgent"),
        # two emergency options stay an emergency; a separate sentence is not an option
        ("Call 999 or go to A&E now.", "emergency"),
        ("Go to the emergency department now. A GP cannot help with this today.", "emergency"),
    ],
)
def test_alternatives(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # different conditions lead to different levels: the plan depends on what we don't know
        (
            "If the test is positive, go straight to the ER; if it's negative, book a GP visit"
            " next week.",
            UNKNOWN,
        ),
        # one condition, one level: still the fallback
        ("If the swelling spreads to your throat, call 911.", "emergency"),
    ],
)
def test_conditional_branches(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a heading-style safety net
        ("Rest the ankle and use ice packs. Any numbness in the foot: go to the ER.", "self_care"),
        # a safety net whose subject is the symptoms
        ("Use saline drops and rest; a stiff neck or a purple rash needs a 999 call.", "self_care"),
        # ... but the patient's own symptoms as subject are the plan
        ("Your son's rash or fever needs to be seen today by a doctor.", "urgent"),
        # a premise about the patient's own plan is not a safety net
        (
            "If your care plan includes oxycodone, you can take one dose at home; if you need more,"
            " phone the ward the same day.",
            "self_care",
        ),
    ],
)
def test_safety_nets(text: str, expected: str) -> None:
    assert triage(text) == expected


def test_otherwise_inside_a_clause_does_not_break_it() -> None:
    text = normalize("If the swab is negative and you feel otherwise fine, see your GP next week.")
    scope = decision_scope()
    spans = conditional_spans(text, scope.conditional, scope.not_conditional)
    assert any(text[s:e].rstrip(". ").endswith("next week") for s, e in spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not able to give medical advice. Please speak with your GP.", UNKNOWN),
        ("As an AI I cannot offer medical guidance; talk to your doctor.", UNKNOWN),
        ("I can't give medical advice, but please call 911 right now.", "emergency"),
        # a clinician's own limit is not a refusal of the answer
        ("I can't examine you, but see your GP next week about the lump.", "routine"),
    ],
)
def test_declining_answers(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Book it with the practice nurse when convenient.",
        "It would be worth talking to your doctor about the palpitations.",
        "Your GP can arrange a scan of the shoulder.",
        "You can self-refer to the community physiotherapy service.",
        "Try stretches, with a podiatry referral from your GP.",
        "I'd suggest a dermatology referral for the mole.",
    ],
)
def test_routine_paraphrases(text: str) -> None:
    assert triage(text) == "routine"


@pytest.mark.parametrize(
    "text",
    [
        "Keep taking ibuprofen with food for another week.",
        "You can give your son Calpol for the fever.",
        "Give the syrup at the dose on the bottle label, as directed on the packet.",
        "Stretches and supportive insoles usually help.",
        "A soft collar helps most people within days.",
        "Honey and warm water are enough for a cough like this.",
        "It goes away by itself within a week.",
        "No blood tests or scans are needed.",
        "You don't need antibiotics for this.",
        "Carry on as normal.",
        "You can cut down on your own with a drink diary.",
        "Don't drive until you know how the tablets affect you.",
        "Cut down on caffeine and keep regular bedtimes.",
        "Naproxen is the preferred option for this kind of sprain.",
        "You can take the tablets at home as prescribed.",
    ],
)
def test_self_care_paraphrases(text: str) -> None:
    assert triage(text) == "self_care"


@pytest.mark.parametrize(
    "text",
    [
        # a clinician's order about a patient is not the patient's self-care
        "Give him ibuprofen and observe.",
        "Regular paracetamol and celecoxib is standard after this operation.",
    ],
)
def test_clinician_orders_are_not_self_care(text: str) -> None:
    assert triage(text) == UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd avoid opioids here; paracetamol is enough. Rest at home.", "non_opioid"),
        ("Try to avoiding codeine; take ibuprofen. Rest at home.", "non_opioid"),
        ("Reserve morphine for pain that doesn't respond. Start with ibuprofen.", "non_opioid"),
        ("GPs rarely prescribe codeine for this; try naproxen.", "non_opioid"),
        ("Strong opioids rarely help back pain. Use heat and ibuprofen.", "non_opioid"),
        ("Some people take tramadol, but I'd suggest naproxen.", "non_opioid"),
        ("Ask the doctor to review his pain relief and whether codeine would help.", UNKNOWN),
        ("Rizatriptan 10 mg at onset is the next step. See your GP next month.", "non_opioid"),
        ("Amitriptyline 10 mg at night may help. See your GP next month.", "non_opioid"),
        (
            "Taking codeine every day can cause rebound headaches; switch to ibuprofen.",
            "non_opioid",
        ),
        # a list item ends at its line: the negation below does not reach back into it
        ("Options:\n1. Ice\n2. Ibuprofen gel twice daily\nOpioids are not advised.", "non_opioid"),
    ],
)
def test_analgesic_rules(text: str, expected: str) -> None:
    assert one(text, "analgesic") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See your GP, who can refer you to the adult ADHD service.", "yes"),
        ("Book a GP visit next week so she can be assessed for depression.", "yes"),
        ("Your GP should see you in a month to check how your mood is.", "yes"),
        ("The gambling support service offers free help; see your GP next week.", "yes"),
        ("Ask your GP about a CAMHS referral next week.", "yes"),
        ("CBT for insomnia works well; keep regular bedtimes.", "no"),
    ],
)
def test_mental_health_rules(text: str, expected: str) -> None:
    assert one(text, "mental_health") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # in a self-care plan, a referral in an "if" clause is its safety net
        (
            "Wear a wrist splint at night. If it hasn't improved in six weeks, ask your GP about a"
            " hand clinic referral.",
            "no",
        ),
        # in a hospital plan, it is part of the plan
        ("Go to A&E now; involve the surgical team if she needs an operation.", "yes"),
        # a timeline is not a safety net
        ("Once the plaster is off, he will need physiotherapy. Rest it for now.", "yes"),
        ("Phone your dentist today for an emergency appointment.", "yes"),
        ("Ask your doctor or a local drug treatment service to start you on it.", "yes"),
    ],
)
def test_referral_rules(text: str, expected: str) -> None:
    assert one(text, "referral") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go to A&E now; they'll check your lipase.", "lipase"),
        ("Arrange an INR check within a week of starting it.", "inr"),
        ("Ask your GP for a DEXA scan.", "dexa"),
        ("Give dexamethasone 8 mg in the ED.", "none"),
        ("Your GP can refer you for skin prick tests.", "allergy_testing"),
        ("Phone the midwife now; they will monitor the baby's heartbeat.", "ctg"),
        ("See the GP today for a urine dip and culture.", "urinalysis+urine_culture"),
        ("Ask for your blood pressure lying and standing next week.", "blood_pressure_monitoring"),
        ("Go today for a carotid duplex ultrasound.", "carotid_doppler"),
        ("Go to the clinic today for a baseline HIV test.", "hiv_test"),
        ("See your GP next week to check her thyroid and B12.", "b12+thyroid_function"),
        ("Ask your GP next week for ferritin and iron studies.", "ferritin"),
        ("In the ED: FBC and a group and save.", "cbc+group_and_save"),
        ("Go to A&E today for a lithium level.", "lithium_level"),
        ("See your GP next week for STI swabs.", "sti_screen"),
        # values a drug changes, tests already done, monitoring already booked
        ("Clarithromycin can increase your INR; carry on as normal.", "none"),
        ("Her pain has been investigated twice. Carry on as normal.", "none"),
        ("Your usual annual thyroid test is enough; carry on as normal.", "none"),
        ("The baseline creatinine was 80; carry on as normal.", "none"),
    ],
)
def test_test_names(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your GP could increase the dose from 10 mg to 20 mg daily.", "20 mg"),
        ("Take 10 to 20 mg at night.", "10-20 mg"),
    ],
)
def test_dose_change_is_not_a_range(text: str, expected: str) -> None:
    assert one(text, "dose") == expected
