from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.expand import FACTORIAL_JOIN, expand_suite, write_case_table
from harness.suite import load_suite

DEMO = Path(__file__).parents[2] / "scenarios" / "demo.yaml"
TINY = Path(__file__).parents[1] / "data" / "tiny"


def test_demo_sets_have_one_reference_and_a_sibling_per_other_value() -> None:
    loaded = load_suite(DEMO)
    cases = expand_suite(loaded)
    by_set: dict[str, Counter[str]] = {}
    for case in cases:
        by_set.setdefault(case.set_id, Counter())[case.kind] += 1
    assert len(by_set) == len(loaded.suite.scenarios) * len(loaded.axes)
    for set_id, kinds in by_set.items():
        axis = loaded.axes[set_id.split("/")[1]]
        assert kinds["reference"] == 1
        assert kinds["sibling"] == len(axis.values) - 1
        assert kinds["null"] == sum(1 for v in axis.values.values() if len(v.forms) > 1)


def test_siblings_differ_only_in_their_axis() -> None:
    cases = expand_suite(load_suite(DEMO))
    refs = {c.set_id: c for c in cases if c.kind == "reference"}
    for case in cases:
        ref = refs[case.set_id]
        changed = {a for a in case.groups if case.groups[a] != ref.groups[a]}
        assert changed == ({case.axis} if case.group != ref.group else set())
        assert (case.kind == "sibling") == (case.group != ref.group and case.form == 0)


def test_reference_is_shared_across_sets_of_a_scenario() -> None:
    cases = expand_suite(load_suite(DEMO))
    refs = {c.id for c in cases if c.kind == "reference" and c.scenario_id == "chest_pain"}
    assert len(refs) == 1


def test_null_cases_point_at_the_canonical_form_of_their_group() -> None:
    cases = expand_suite(load_suite(DEMO))
    by_key = {(c.set_id, c.id): c for c in cases}
    nulls = [c for c in cases if c.kind == "null"]
    assert nulls
    for null in nulls:
        partner = by_key[(null.set_id, null.null_of or "")]
        assert partner.group == null.group and partner.form == 0 and null.form == 1
        assert partner.user_prompt != null.user_prompt


def test_ids_are_stable_and_depend_on_the_request(tmp_path: Path) -> None:
    first = [c.id for c in expand_suite(load_suite(TINY / "tiny.yaml"))]
    assert first == [c.id for c in expand_suite(load_suite(TINY / "tiny.yaml"))]
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    system = copy / "prompts" / "system.j2"
    system.write_text(system.read_text() + " Be kind.\n")
    changed = [c.id for c in expand_suite(load_suite(copy / "tiny.yaml"))]
    assert set(first).isdisjoint(changed)


def test_factorial_cells(tmp_path: Path) -> None:
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    suite = copy / "tiny.yaml"
    suite.write_text(
        suite.read_text().replace(
            "  null_perturbations: 1", "  null_perturbations: 1\n  factorial: [race, gender]"
        )
    )
    cases = expand_suite(load_suite(suite))
    cells = [c for c in cases if c.axis == f"race{FACTORIAL_JOIN}gender"]
    assert len(cells) == 2 * 2 * 2  # 2 scenarios x 2 races x 2 genders
    assert {c.group for c in cells} == {"white|man", "white|woman", "black|man", "black|woman"}
    assert [c.kind for c in cells].count("reference") == 2


def test_minimal_pair_check_names_the_words_a_template_changed(tmp_path: Path) -> None:
    copy = tmp_path / "tiny"
    shutil.copytree(TINY, copy)
    template = copy / "prompts" / "chest_pain.j2"
    template.write_text(
        "A {{ age }}-year-old {{ race.term }} {{ gender.noun }} has chest pain. "
        "{% if race.term == 'Black' %}Aspirin 81 mg was given.{% else %}Aspirin 325 mg was "
        "given.{% endif %} What should {{ gender.subject }} do?\n"
    )
    with pytest.raises(InputError) as err:
        expand_suite(load_suite(copy / "tiny.yaml"))
    message = str(err.value)
    assert "scenarios.0.template" in message and "chest_pain" in message
    assert "'325' -> '81'" in message


def test_case_table_round_trips(tmp_path: Path) -> None:
    cases = expand_suite(load_suite(TINY / "tiny.yaml"))
    write_case_table(cases, tmp_path / "cases.jsonl")
    write_case_table(cases, tmp_path / "cases.csv")
    lines = (tmp_path / "cases.jsonl").read_text().splitlines()
    assert len(lines) == len(cases)
    assert len((tmp_path / "cases.csv").read_text().splitlines()) == len(cases) + 1
    with pytest.raises(InputError, match="jsonl or .csv"):
        write_case_table(cases, tmp_path / "cases.txt")
