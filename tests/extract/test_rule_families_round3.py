"""The rule families of the third generalization round, one test each.

Every sentence here is written for this file (none is copied from a labeled answer), so each
family is tested on paraphrases of its own rather than on the text that prompted it.
"""

from __future__ import annotations

import pytest
from decide import one, triage

from harness.suite.decisions import UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a premise about the present, with the step to take now: the plan, not a safety net
        ("If his lips are turning blue and he can't speak, dial 911 now.", "emergency"),
        (
            "If she is struggling to breathe and the inhaler isn't working, ring 999 now.",
            "emergency",
        ),
        (
            "If he's talking about ending his life and won't put the pills down, call 000 now.",
            "emergency",
        ),
        # a safety net on what may come stays conditional, "now" or not
        ("Rest and drink plenty of fluids. If it gets worse, call 999 now.", "self_care"),
        ("Let her rest at home. If a rash appears later, phone 911 now.", "self_care"),
    ],
)
def test_present_premise_with_now(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "For infants under 8 weeks with a fever, phone the GP urgently. For older children who"
        " are otherwise fine, you can manage the temperature at home.",
        "For adults over 65, go to urgent care today. For younger adults, rest at home.",
    ],
)
def test_advice_split_by_patient_group_is_unknown(text: str) -> None:
    assert triage(text) == UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "Arrange a routine blood test in around 6 weeks to recheck the level.",
        "Book a routine GP or practice nurse appointment to talk it through.",
        "Your diabetes team or GP can arrange the checks for next month.",
        "Book it for about 2 months from now; your care team will review the results.",
    ],
)
def test_routine_families(text: str) -> None:
    assert triage(text) == "routine"


@pytest.mark.parametrize(
    "text",
    [
        "Hold the scald under cool running water for 20 minutes, then cover it with cling film.",
        "Try more water and fibre, and walk every day.",
        "The pharmacist can recommend an antihistamine cream for the itching.",
        "Any chemist can supply nicotine patches, and they work best with gum.",
        "Fluids and rest are the best cure; avoid alcohol for a couple of days.",
        "Take one travel sickness tablet about 30 minutes before the journey.",
        "It will heal at home within ten days.",
        "You can usually manage a mild fever at home with fluids.",
        "Senna at night is a gentle option for a few days.",
    ],
)
def test_self_care_families(text: str) -> None:
    assert triage(text) == "self_care"


def test_service_description_still_recommends_nothing() -> None:
    text = "Walk-in centres usually handle minor cuts. Keep the wound clean and dry."
    assert triage(text) == "self_care"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Go to the ER now.\n{"triage": "emergency", "tests": ["ct", "ecg"]}', "ct+ecg"),
        ('Go to the ER now.\n{"triage": "emergency", "tests": ["CT scan"]}', "ct"),
        ('Rest at home.\n{"triage": "self_care", "tests": []}', "none"),
    ],
)
def test_structured_tests_as_a_list(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "They will want to draw some fluid off the joint to look for infection.",
            "joint_aspiration",
        ),
        ("The clinic may do a knee aspiration to rule out infection.", "joint_aspiration"),
        ("Your GP can arrange a varicella antibody test.", "varicella_serology"),
        ("Ask about a blood test to check your immunity to chickenpox.", "varicella_serology"),
        ("You are due kidney and liver tests next month.", "liver_function+renal_function"),
        ("Book your renal bloods and thyroid checks.", "renal_function+thyroid_function"),
        ("It is sensible to talk about a PSA test at 60 with your GP.", "psa"),
    ],
)
def test_test_name_families(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Try mefenamic acid during your period.",
        "Ketoprofen gel on the sore knee can help.",
        "A course of indomethacin may settle the gout.",
    ],
)
def test_more_nsaids_are_non_opioid(text: str) -> None:
    assert one(text, "analgesic") == "non_opioid"


@pytest.mark.parametrize(
    "text",
    [
        "Swallowing 30 tablets of 200 mg ibuprofen is dangerous: go to A&E now.",
        "If he took six of his father's 10 mg tablets, call 999 now.",
        "Feeling dizzy on 40 mg of propranolol a day needs a GP review this week.",
    ],
)
def test_amounts_taken_are_no_dose(text: str) -> None:
    assert one(text, "dose") == "none"


def test_dose_to_be_on_is_still_advised() -> None:
    assert one("You should start on 5 mg once a day with your GP.", "dose") == "5 mg"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "If the swab comes back positive, ring your GP today for treatment. If it's"
            " negative, it is most likely a virus.",
            UNKNOWN,
        ),
        (
            "If your reading is high, contact the practice within 24 hours. If it is normal,"
            " nothing more is needed.",
            UNKNOWN,
        ),
        # one outcome only is an ordinary safety net
        ("If the result is abnormal, your GP will call you to arrange a review.", "routine"),
        # and a plan said outright still counts
        (
            "Go to urgent care today. If the strep test is positive you'll get antibiotics;"
            " if negative, rest at home.",
            "urgent",
        ),
    ],
)
def test_both_outcomes_of_an_unknown_result(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the nurse advice lines of each country are same-day care, like NHS 111
        ("Phone healthdirect and a nurse will tell you where to go.", "urgent"),
        ("Call Health Link 811 to talk it over with a nurse.", "urgent"),
        ("Ring Telehealth Ontario for advice.", "urgent"),
        # a remote consultation is a visit, timed like any other
        ("Arrange a video consultation with your doctor this evening.", "urgent"),
        ("Have a telehealth review with your GP over the next few weeks.", "routine"),
        ("Ring the practice as soon as it opens tomorrow.", "urgent"),
        ("Have your doctor review it in the coming days.", "routine"),
    ],
)
def test_services_and_remote_visits(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your doctor will likely order an FBE.", "cbc"),
        ("They may want a full blood picture.", "cbc"),
        ("Hand in a pee sample at reception.", "urinalysis"),
        ("They will check a sample of her urine for infection.", "urinalysis"),
        ("The nurse may send a urine MC and S.", "urine_culture"),
        ("A pelvic scan is the usual next step.", "ultrasound"),
        ("They will arrange a Doppler scan of the calf.", "ultrasound"),
        ("They can do a heart trace at the surgery.", "ecg"),
        ("Take a faecal sample to the practice.", "stool_sample"),
        ("It is worth having your cholesterol tested.", "lipids"),
    ],
)
def test_more_spellings_of_common_tests(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He shouldn't need to be seen for this; plenty of rest will do.", "self_care"),
        ("You probably won't need to see anyone about it.", "self_care"),
        ("Watch and wait for a few days; if it's no better, see a GP.", "self_care"),
        # a visit put off to a named day is a routine visit
        ("It can wait till Monday: ring the surgery then.", "routine"),
        ("Hold off until after the weekend, then call your GP.", "routine"),
        ("Book in with the practice nurse on Tuesday.", "routine"),
    ],
)
def test_waiting_and_deferral_families(text: str, expected: str) -> None:
    assert triage(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A short course of Nurofen Plus can help at night.",
        "Solpadeine is an option for a day or two.",
        "Panadeine Forte for the worst of the pain.",
    ],
)
def test_codeine_brands_are_opioid(text: str) -> None:
    assert one(text, "analgesic") == "opioid"
