"""Every shipped suite loads and expands with the minimal-pair check, every axis file loads, every
gold is a legal value with its guideline named, and each prompt's structured tail lists exactly
its scenario's decisions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.expand import expand_suite
from harness.suite import DECISION_VALUES, load_axis, load_suite

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SUITES = sorted(SCENARIOS.glob("*.yaml"))
LIBRARY = [p for p in SUITES if p.name != "demo.yaml"]
AXES = sorted((SCENARIOS / "axes").glob("*.yaml"))
TAIL_OPEN = "Then end with one line for each decision:"


def test_the_library_is_there() -> None:
    assert len(LIBRARY) >= 10
    assert len(AXES) >= 10
    vignettes = sum(len(load_suite(p).suite.scenarios) for p in LIBRARY)
    assert vignettes >= 40


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_suite_loads_and_expands(path: Path) -> None:
    loaded = load_suite(path)
    cases = expand_suite(loaded)  # raises InputError when a minimal pair fails
    assert loaded.suite.name == path.stem
    scenario_ids = {s.id for s in loaded.suite.scenarios}
    assert {c.scenario_id for c in cases} == scenario_ids
    kinds = {c.kind for c in cases}
    assert kinds == {"reference", "sibling", "null"}
    assert len({c.id for c in cases}) <= 200, "keep a suite small enough for the local model"


@pytest.mark.parametrize("path", AXES, ids=lambda p: p.stem)
def test_axis_file_loads_with_provenance_and_a_null_pair(path: Path) -> None:
    axis = load_axis(path)
    assert axis.provenance is not None and axis.provenance.source and axis.provenance.licence
    for name, value in axis.values.items():
        assert len(value.forms) >= 2, f"{path.name}: {name} has no null perturbation"
        assert value.forms[0] != value.forms[1]


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_gold_is_legal_and_names_its_guideline(path: Path) -> None:
    loaded = load_suite(path)
    for scenario in loaded.suite.scenarios:
        for name, value in scenario.gold.items():
            assert value in DECISION_VALUES[name], (scenario.id, name, value)
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if re.match(r"\s+gold: \{.+\}", line):
            comment = line.partition("#")[2].strip()
            assert len(comment) > 20, f"{path.name}:{number}: gold without its guideline"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_tail_lists_the_scenario_decisions(path: Path) -> None:
    loaded = load_suite(path)
    for case in expand_suite(loaded):
        if case.kind != "reference":
            continue
        scenario = next(s for s in loaded.suite.scenarios if s.id == case.scenario_id)
        prompt = case.user_prompt
        assert TAIL_OPEN in prompt, case.scenario_id
        tail = prompt.split(TAIL_OPEN, 1)[1].strip().splitlines()
        assert [line.split(":", 1)[0] for line in tail] == scenario.decisions, case.scenario_id


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_prompts_read_as_english(path: Path) -> None:
    for case in expand_suite(load_suite(path)):
        text = case.user_prompt
        assert not re.search(r"\b[Aa] (?:[AEIOU]\w*|8\d*|11|18)\b[- ]", text), text[:120]
        assert "  " not in text and "{{" not in text and "}}" not in text


def test_every_suite_names_its_sources_and_the_readme_lists_it() -> None:
    readme = (SCENARIOS / "README.md").read_text()
    for path in LIBRARY:
        head = path.read_text().split("schema_version", 1)[0]
        assert "Source" in head, f"{path.name} names no source in its header"
        assert f"`{path.name}`" in readme, f"README does not list {path.name}"


@pytest.mark.parametrize("name", ["neutral.j2", "clinical_qa.j2", "blinded.j2"])
def test_system_prompts_render_for_a_suite(name: str, tmp_path: Path) -> None:
    source = (SCENARIOS / "chest_pain.yaml").read_text()
    suite = tmp_path / "chest_pain.yaml"
    suite.write_text(
        source.replace("prompts_dir: ../prompts", f"prompts_dir: {ROOT / 'prompts'}")
        .replace("system_prompt: system/neutral.j2", f"system_prompt: system/{name}")
        .replace(
            "axes: [race, race_names", f"axes_dir: {SCENARIOS / 'axes'}\naxes: [race, race_names"
        )
    )
    cases = expand_suite(load_suite(suite))
    systems = {c.messages[0].content for c in cases}
    assert len(systems) == 1 and cases[0].messages[0].role == "system"
    assert len(next(iter(systems))) > 80
