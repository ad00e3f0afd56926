"""Name lists: no name is a clinical term or a common word, explicit and name-based axes can be
compared value by value, and each group's null perturbation is another name of the same group."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from harness.suite import Axis, load_axis

ROOT = Path(__file__).resolve().parents[2]
AXES = ROOT / "scenarios" / "axes"
EXCLUSIONS = AXES / "tools" / "name_exclusions.yaml"
LEXICONS = ROOT / "harness" / "data" / "lexicons"
NAME_SLOTS = ("name", "first", "last")
NAME_AXES = ("race_names", "gender_names")


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


def _name_words(axis: Axis) -> set[str]:
    return {
        word
        for value in axis.values.values()
        for form in value.forms
        for slot, text in form.items()
        if slot in NAME_SLOTS
        for word in _words(text)
    }


@pytest.fixture(scope="module")
def excluded() -> set[str]:
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))
    assert data["provenance"]["licence"]
    return {w.lower() for w in data["words"]}


def test_the_exclusion_list_holds_the_known_traps(excluded: set[str]) -> None:
    for word in ("brown", "white", "young", "black", "gray", "hope", "patience"):
        assert word in excluded


@pytest.mark.parametrize("axis_name", NAME_AXES)
def test_names_are_not_excluded_words(axis_name: str, excluded: set[str]) -> None:
    names = _name_words(load_axis(AXES / f"{axis_name}.yaml"))
    assert names, "no name slots found"
    assert not names & excluded, sorted(names & excluded)


@pytest.mark.parametrize("axis_name", NAME_AXES)
def test_names_are_not_words_of_the_clinical_lexicons(axis_name: str) -> None:
    lexicon_words: set[str] = set()
    for path in LEXICONS.glob("*.yaml"):
        lexicon_words |= _words(path.read_text(encoding="utf-8"))
    names = _name_words(load_axis(AXES / f"{axis_name}.yaml"))
    assert not names & lexicon_words, sorted(names & lexicon_words)


def test_the_exclusion_check_would_catch_a_colliding_name(excluded: set[str]) -> None:
    axis = Axis.model_validate(
        {
            "name": "probe",
            "reference": "a",
            "values": {
                "a": {"forms": [{"name": "Todd Olson"}]},
                "b": {"forms": [{"name": "Grace Brown"}]},
            },
        }
    )
    assert _name_words(axis) & excluded == {"grace", "brown"}


def test_explicit_and_name_based_race_axes_match_value_for_value() -> None:
    explicit, named = load_axis(AXES / "race.yaml"), load_axis(AXES / "race_names.yaml")
    assert list(explicit.values) == list(named.values)
    assert explicit.reference == named.reference
    gender, by_name = load_axis(AXES / "gender.yaml"), load_axis(AXES / "gender_names.yaml")
    assert list(gender.values) == list(by_name.values) and gender.reference == by_name.reference


def test_each_name_belongs_to_one_group_and_full_names_agree() -> None:
    axis = load_axis(AXES / "race_names.yaml")
    seen: dict[str, str] = {}
    for group, value in axis.values.items():
        for form in value.forms:
            assert form["name"] == f"{form['first']} {form['last']}"
            for part in (form["first"], form["last"]):
                assert seen.setdefault(part, group) == group, f"{part} is used by two groups"
        firsts = {f["first"] for f in value.forms}
        lasts = {f["last"] for f in value.forms}
        assert len(firsts) == len(lasts) == len(value.forms), "a null pair repeats a name"


def test_race_names_file_records_its_rule() -> None:
    text = (AXES / "race_names.yaml").read_text(encoding="utf-8")
    for needed in ("2010 Census", "Tzioumis", "Bertrand", "CC0", "public domain", "90%", "1,000"):
        assert needed in text, needed


def test_selection_tool_applies_rank_share_and_exclusions(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "select_names", AXES / "tools" / "select_names.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    header = "name,rank,count,pctwhite,pctblack,pctapi,pcthispanic\n"
    rows = [
        "SMITH,1,100,70.9,23.1,0.5,2.4",  # too mixed
        "BROWN,4,90,58.0,35.0,0.5,2.5",  # excluded word
        "WHITEHEAD,5,80,91.0,5.0,1.0,2.0",
        "WASHINGTON,6,70,5.2,87.5,0.3,2.5",
        "OLSON,7,60,94.8,0.4,0.7,2.0",
        "GARCIA,8,50,5.4,0.5,1.4,92.0",
        "NGUYEN,9,40,1.0,0.1,96.4,0.6",
        "SNYDER,1200,30,94.1,1.5,0.6,1.9",  # beyond the rank limit
        "SMALLS,10,20,(S),90.5,(S),(S)",
    ]
    table = tmp_path / "surnames.csv"
    table.write_text(header + "\n".join(rows) + "\n")
    chosen = tool.select_surnames(tool.read_surnames(table), {"brown"})
    assert chosen == {
        "white": ["Whitehead", "Olson"],
        "black": ["Washington", "Smalls"],
        "hispanic": ["Garcia"],
        "asian": ["Nguyen"],
    }
