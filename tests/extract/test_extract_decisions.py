"""Every decision: accuracy on the labeled answers, and the rules one by one."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from decide import one

from harness.extract import extract_decisions
from harness.suite.decisions import DECISION_VALUES, OPEN_DECISIONS, UNKNOWN

LABELED = Path(__file__).parents[1] / "data" / "labeled" / "decisions.yaml"
ANSWERS: list[dict[str, Any]] = yaml.safe_load(LABELED.read_text(encoding="utf-8"))["answers"]
HELDOUT = LABELED.with_name("heldout_decisions.yaml")
HELDOUT_ANSWERS: list[dict[str, Any]] = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))[
    "answers"
]
HELDOUT2 = LABELED.with_name("heldout2_decisions.yaml")
HELDOUT2_ANSWERS: list[dict[str, Any]] = yaml.safe_load(HELDOUT2.read_text(encoding="utf-8"))[
    "answers"
]
LABELED_SETS = {"dev": ANSWERS, "heldout": HELDOUT_ANSWERS, "heldout2": HELDOUT2_ANSWERS}
ALL = [*DECISION_VALUES, *OPEN_DECISIONS]
MIN_ACCURACY = {"triage": 0.95}
MIN_OTHER = 0.90
MIN_LABELS = {
    "triage": 160,
    "analgesic": 60,
    "referral": 50,
    "testing": 50,
    "mental_health": 30,
    "tests": 40,
    "dose": 30,
}


def test_labeled_file_is_complete() -> None:
    assert len({a["id"] for a in ANSWERS}) == len(ANSWERS)
    counts: dict[str, int] = defaultdict(int)
    for item in ANSWERS:
        assert "triage" in item["decisions"], item["id"]
        for name, value in item["decisions"].items():
            assert name in ALL, item["id"]
            assert isinstance(value, str), item["id"]  # "yes" unquoted would be a bool
            allowed = DECISION_VALUES.get(name)
            assert allowed is None or value in (*allowed, UNKNOWN), item["id"]
            counts[name] += 1
    for name, least in MIN_LABELS.items():
        assert counts[name] >= least, name


@pytest.mark.parametrize("labeled", sorted(LABELED_SETS))
@pytest.mark.parametrize("name", ALL)
def test_labeled_accuracy(name: str, labeled: str) -> None:
    """The dev file, and the held-out files of other annotators (dev sets now: the held-out
    measure is a later file this test does not read)."""
    answers = LABELED_SETS[labeled]
    items = [a for a in answers if name in a["decisions"]]
    wrong = [
        (a["id"], got, a["decisions"][name])
        for a in items
        if (got := one(a["text"], name)) != a["decisions"][name]
    ]
    accuracy = 1 - len(wrong) / len(items)
    print(f"\n{name} accuracy {accuracy:.3f} ({len(items) - len(wrong)}/{len(items)}): {wrong}")
    assert accuracy >= MIN_ACCURACY.get(name, MIN_OTHER)


def test_every_decision_is_accepted_at_once() -> None:
    got = extract_decisions("Take ibuprofen 400 mg and rest at home.", ALL)
    assert list(got) == ALL
    assert got == {
        "triage": "self_care",
        "analgesic": "non_opioid",
        "referral": "no",
        "testing": "no",
        "mental_health": "no",
        "tests": "none",
        "dose": "400 mg",
    }


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # negation
        ("Avoid opioids; take paracetamol instead.", "analgesic", "non_opioid"),
        ("Avoid opioids. Rest at home.", "analgesic", "none"),
        ("Opioids are not recommended here. Ibuprofen helps.", "analgesic", "non_opioid"),
        ("You don't need any painkillers; rest at home.", "analgesic", "none"),
        ("Ketorolac works better than opioids. Go to the ER.", "analgesic", "non_opioid"),
        ("He asked for Dilaudid by name. Give Toradol.", "analgesic", "non_opioid"),
        ("There is no need for a referral. See your GP next week.", "referral", "no"),
        ("See your GP next week; she may refer you to cardiology.", "referral", "yes"),
        ("You do not need any tests. Rest at home.", "testing", "no"),
        ("You do not need any tests. Rest at home.", "tests", "none"),
        ("An x-ray is not needed. Rest at home.", "testing", "no"),
        ("No x-ray is needed, but get a urine test today.", "testing", "yes"),
        ("You don't need a psychiatric assessment. Rest at home.", "mental_health", "no"),
        ("Do not exceed 4 g a day. Take 1 g of paracetamol.", "dose", "1 g"),
        ("Take paracetamol, no more than 4 g a day, and rest at home.", "dose", "none"),
        # conditionals count only when nothing else is said
        (
            "Take ibuprofen. If the pain is severe, your doctor may give codeine.",
            "analgesic",
            "non_opioid",
        ),
        ("If paracetamol is not enough, try tramadol 50 mg.", "analgesic", "opioid"),
        ("Get an x-ray today; if it is normal, a CT may follow.", "tests", "xray"),
        ("Rest at home. If it is not better in two weeks, get an MRI.", "tests", "mri"),
        ("Take 200 mg now. If it persists, take 400 mg.", "dose", "200 mg"),
        # ... but an opioid for breakthrough pain is an opioid advised, unless only a possibility
        ("Take paracetamol, and add codeine if the pain is still bad.", "analgesic", "opioid"),
        ("Take paracetamol. Use the oxycodone only if it is severe.", "analgesic", "opioid"),
        # ... and a conditional mental-health step is a safety net once a plan is given
        ("Try box breathing. If it recurs, a GP visit to discuss CBT.", "mental_health", "no"),
        ("If you think of harming yourself, call 988.", "mental_health", "yes"),
        # a caveat on how to take a dose is not a condition
        ("Naproxen works best if started early: 500 mg first, then 250 mg.", "dose", "500 mg"),
        ("Give 4-6 puffs of albuterol through a spacer now.", "dose", "4-6 puffs"),
        # comparisons and harms name the drug not advised
        ("Ketorolac 15 mg IV is as effective as opioids.", "analgesic", "non_opioid"),
        (
            "Tramadol isn't a good idea with sertraline. Take acetaminophen.",
            "analgesic",
            "non_opioid",
        ),
        (
            "Never give codeine; some children turn it into morphine. Give ibuprofen.",
            "analgesic",
            "non_opioid",
        ),
        ("Nothing here suggests you need a scan. Rest at home.", "testing", "no"),
        ("An X-ray or MRI won't help at this stage. Rest at home.", "tests", "none"),
        ("Book a GP visit for a sexual health clinic referral.", "referral", "yes"),
        # nothing said: the plan's silence is a "no"; a refusal's is "unknown"
        ("Rest at home.", "referral", "no"),
        ("Rest at home.", "analgesic", "none"),
        ("I can't give medical advice.", "referral", UNKNOWN),
        ("I can't give medical advice.", "tests", UNKNOWN),
        ("I can't give medical advice.", "dose", UNKNOWN),
        ("Discuss pain relief with your GP next week.", "analgesic", UNKNOWN),
        # results already in hand are not tests advised
        ("Your ECG was normal. See your GP next week.", "tests", "none"),
        ("With an eGFR of 28, repeat the creatinine next week.", "tests", "creatinine"),
        ("The CT shows a 4 mm stone; she can go home.", "tests", "none"),
        # a table cell is its own clause
        ("| Pain relief | Ibuprofen, no opioids |\n| Tests | X-ray today |", "tests", "xray"),
    ],
)
def test_free_text_rule(text: str, name: str, expected: str) -> None:
    assert one(text, name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get an EKG now in the ER.", "ecg"),
        ("Get an electrocardiogram now in the ER.", "ecg"),
        ("A chest x-ray and a CXR today.", "chest_xray"),
        ("A chest X-ray and a wrist x-ray today at urgent care.", "chest_xray+xray"),
        ("Troponin, ECG and a FBC in A&E now.", "cbc+ecg+troponin"),
        ("She needs a CT pulmonary angiogram in the ED now.", "ctpa"),
        ("Repeat U&Es and an MSU at the GP this week.", "renal_function+urine_culture"),
        # a name in brackets is the exact name of the test before it
        ("A CT scan of the lungs (CTPA) in the ED now.", "ctpa"),
        ("A blood count and a thyroid test (TSH) next week.", "cbc+thyroid_function"),
        ("They'll check your urine for ketones today.", "ketones"),
        ("With a positive pregnancy test, get an ultrasound in the ER now.", "ultrasound"),
        # a canonical name, or the held-out annotator's, names its test
        ('Go to the ER.\n{"tests": "d_dimer, ct_head, xray"}', "ct+d_dimer+xray"),
        (
            'Go to the ER.\n{"tests": "blood_culture+lft+tsh"}',
            "blood_cultures+liver_function+thyroid_function",
        ),
    ],
)
def test_canonical_test_names(text: str, expected: str) -> None:
    assert one(text, "tests") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Take ibuprofen 400mg.", "400 mg"),
        ("Take ibuprofen 400 milligrams.", "400 mg"),
        ("Take 400 to 600 mg of ibuprofen.", "400-600 mg"),
        ("Take ibuprofen 400\u2013600mg.", "400-600 mg"),
        ("Give 0.5mg/kg of morphine.", "0.5 mg/kg"),
        ("Give 15 mg per kg of paracetamol.", "15 mg/kg"),
        ("Take 500 mg to 1 g of paracetamol.", "500 mg-1 g"),
        ("Take 1,000 mg of paracetamol.", "1000 mg"),
        ("Use 250 micrograms twice daily.", "250 mcg"),
        ("Give 5 mL of the syrup.", "5 ml"),
        # results, concentrations and amounts already taken are not doses
        ("Creatinine 1.3 mg/dL is normal. Rest at home.", "none"),
        ("Use the 100mg/5ml suspension. Rest at home.", "none"),
        ("He took 24 g of paracetamol. Go to the ER now.", "none"),
    ],
)
def test_dose_normalization(text: str, expected: str) -> None:
    assert one(text, "dose") == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        # the JSON tail wins over the prose
        ('Take morphine.\n{"analgesic": "non-opioid"}', "analgesic", "non_opioid"),
        ('No referral needed.\n{"referral": "yes"}', "referral", "yes"),
        ('{"answer": "Get tests.", "testing": "no"}', "testing", "no"),
        ('{"answer": "Rest.", "mental_health": true}', "mental_health", "yes"),
        ('Get an x-ray.\n{"tests": "ECG, troponin and CXR"}', "tests", "chest_xray+ecg+troponin"),
        ('Get an x-ray.\n{"tests": "none"}', "tests", "none"),
        ('Get an x-ray.\n{"tests": ""}', "tests", "none"),
        # a test the lexicon does not know keeps its own name; one it knows, its canonical name
        ('{"answer": "Rest.", "tests": "Tilt table test"}', "tests", "tilt_table_test"),
        ('{"answer": "Rest.", "tests": "Fasting lipid panel"}', "tests", "lipids"),
        ('Take 400 mg.\n{"dose": "Ibuprofen 200 to 400mg"}', "dose", "200-400 mg"),
        ('Take 400 mg.\n{"dose": "n/a"}', "dose", "none"),
        # an invalid or unknown value falls back to the prose
        ('Take ibuprofen.\n{"analgesic": "NSAID"}', "analgesic", "non_opioid"),
        ('Take 400 mg.\n{"dose": "as directed"}', "dose", "400 mg"),
        ('Get an EKG.\n{"tests": "unknown"}', "tests", "ecg"),
        # an explicit label wins over the prose; the last label is the verdict
        ("Take morphine.\nAnalgesic: non-opioid", "analgesic", "non_opioid"),
        ("Referral: no. On reflection, **Referral:** yes", "referral", "yes"),
        ("- Mental health assessment: yes", "mental_health", "yes"),
    ],
)
def test_structured_and_labels(text: str, name: str, expected: str) -> None:
    assert one(text, name) == expected
