"""The loader on good input: the demo suite, inline axes, defaults, the strict YAML reader and
the pydantic-error -> dotted-path conversion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from harness.errors import InputError
from harness.suite import (
    DEFAULT_MODEL,
    Axis,
    Design,
    ModelConfig,
    Suite,
    Thresholds,
    default_suite_path,
    load_axis,
    load_suite,
)
from harness.suite.yaml_file import read_yaml_mapping, validation_to_input_error

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "scenarios" / "demo.yaml"


# --- the demo suite --------------------------------------------------------------------------


def test_demo_suite_loads_its_axis_files() -> None:
    loaded = load_suite(DEMO)
    assert loaded.path == DEMO
    assert loaded.suite.name == "demo"
    assert list(loaded.axes) == ["race", "gender", "insurance"]  # the suite's order
    assert {name: axis.reference for name, axis in loaded.axes.items()} == {
        "race": "white",
        "gender": "man",
        "insurance": "private",
    }
    race = loaded.axes["race"]
    assert list(race.values) == ["white", "black", "hispanic", "asian"]
    assert race.others == ["black", "hispanic", "asian"]
    assert race.slots == ("term",)
    assert race.values["black"].forms[1] == {"term": "African American"}
    assert loaded.axes["gender"].slots == ("noun", "subject", "possessive")
    assert race.provenance is not None and race.provenance.licence


def test_demo_suite_fields_and_defaults() -> None:
    """Fields read as the raw YAML says; fields the file leaves out take their defaults."""
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    loaded = load_suite(DEMO)
    suite = loaded.suite
    assert suite.samples == raw["samples"]
    assert suite.system_prompt == raw["system_prompt"]
    assert [s.id for s in suite.scenarios] == [s["id"] for s in raw["scenarios"]]
    model, raw_model = suite.models[0], raw["models"][0]
    assert (model.spec, model.temperature, model.max_tokens, model.seed) == (
        raw_model["spec"],
        raw_model["temperature"],
        raw_model["max_tokens"],
        raw_model["seed"],
    )
    # not in the file: defaults
    assert model.top_p is None
    assert model.concurrency == 8
    assert suite.design.factorial == []
    assert suite.axes_dir == "axes"
    kidney = suite.scenarios[2]
    assert kidney.clinically_relevant == ["gender"]
    assert kidney.variables == {"age": 61, "creatinine": 1.4}
    assert kidney.axes is None
    assert loaded.scenario_axes(2) == ["race", "gender", "insurance"]
    assert loaded.renderer.prompts_dir == (REPO / "prompts").resolve()


def test_demo_templates_render() -> None:
    loaded = load_suite(DEMO)
    scenario = loaded.suite.scenarios[0]
    context: dict[str, Any] = dict(scenario.variables)
    for name, axis in loaded.axes.items():
        context[name] = axis.values[axis.reference].forms[0]
    text = loaded.renderer.render(scenario.template, context, loaded.path, "scenarios.0.template")
    assert text.startswith("A 58-year-old White man has had pressure-like chest pain")
    assert "He has private health insurance." in text
    assert "triage level" in text  # the included partial


def test_default_suite_is_the_demo() -> None:
    assert load_suite(default_suite_path()).suite.name == "demo"


def test_load_axis_file() -> None:
    axis = load_axis(REPO / "scenarios" / "axes" / "insurance.yaml")
    assert axis.name == "insurance"
    assert axis.reference == "private"
    assert axis.others == ["medicaid", "uninsured"]
    assert axis.slots == ("coverage",)
    assert axis.values["uninsured"].label == "Uninsured"


# --- a suite with inline axes ----------------------------------------------------------------

INLINE_SUITE = """\
name: inline_demo
axes:
  - name: age_group
    reference: adult
    values:
      adult:
        forms: [{age_term: adult}]
      older:
        label: Older adult
        forms: [{age_term: older adult}, {age_term: elderly person}]
  - name: language
    reference: english
    values:
      english:
        forms: [{speaks: speaks English}]
      spanish:
        forms: [{speaks: speaks only Spanish}]
scenarios:
  - id: headache
    template: headache.j2
    variables: {days: 3}
  - id: headache_language_only
    template: headache.j2
    variables: {days: 1}
    axes: [language]
"""


@pytest.fixture
def inline_suite(tmp_path: Path) -> Path:
    """The suite under suites/, its template under ../prompts/ (the default prompts_dir)."""
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "headache.j2").write_text(
        "An {{ age_group.age_term }} who {{ language.speaks }} has had a headache for "
        "{{ days }} days.\n",
        encoding="utf-8",
    )
    (tmp_path / "suites").mkdir()
    suite = tmp_path / "suites" / "inline.yaml"
    suite.write_text(INLINE_SUITE, encoding="utf-8")
    return suite


def test_inline_axes(inline_suite: Path) -> None:
    loaded = load_suite(inline_suite)
    assert list(loaded.axes) == ["age_group", "language"]
    older = loaded.axes["age_group"].values["older"]
    assert older.label == "Older adult"
    assert older.forms == [{"age_term": "older adult"}, {"age_term": "elderly person"}]
    assert loaded.axes["age_group"].values["adult"].label == ""
    assert loaded.axes["language"].reference == "english"
    assert loaded.axes["language"].provenance is None
    assert loaded.scenario_axes(0) == ["age_group", "language"]
    assert loaded.scenario_axes(1) == ["language"]


def test_defaults_applied(inline_suite: Path) -> None:
    loaded = load_suite(inline_suite)
    suite = loaded.suite
    assert suite.schema_version == 1
    assert suite.samples == 1
    assert suite.structured_output is True
    assert suite.system_prompt is None
    assert suite.answer_max_chars == 400
    assert suite.prompts_dir == "../prompts"
    assert loaded.renderer.prompts_dir == (inline_suite.parent.parent / "prompts").resolve()
    assert suite.models == [ModelConfig(spec=DEFAULT_MODEL)]
    assert suite.models[0].temperature == 0.0
    assert suite.models[0].seed == 0
    assert suite.design == Design()
    assert suite.design.one_at_a_time is True
    assert suite.design.null_perturbations == 1
    assert suite.thresholds == Thresholds()
    assert suite.thresholds.flip_rate == 0.10
    assert suite.thresholds.min_vignettes == 5
    scenario = suite.scenarios[0]
    assert scenario.decisions == ["triage"]
    assert scenario.gold == {}
    assert scenario.red_flags == []
    assert scenario.clinically_relevant == []
    assert scenario.title == ""


def test_inline_and_file_axes_mix(inline_suite: Path) -> None:
    axes_dir = inline_suite.parent / "axes"
    axes_dir.mkdir()
    (axes_dir / "race.yaml").write_bytes((REPO / "scenarios" / "axes" / "race.yaml").read_bytes())
    data = yaml.safe_load(INLINE_SUITE)
    data["axes"].append("race")
    inline_suite.write_text(yaml.safe_dump(data), encoding="utf-8")
    loaded = load_suite(inline_suite)
    assert list(loaded.axes) == ["age_group", "language", "race"]
    assert loaded.axes["race"].reference == "white"


def test_models_are_frozen(inline_suite: Path) -> None:
    suite = load_suite(inline_suite).suite
    with pytest.raises(ValidationError):
        suite.samples = 5


# --- the strict YAML reader ------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_returns_the_mapping(tmp_path: Path) -> None:
    text = "name: x\nnested: {a: 1, b: [1, 2.5, true, null]}\nlist:\n  - {a: 1}\n  - {a: 2}\n"
    path = _write(tmp_path, text)
    assert read_yaml_mapping(path) == yaml.safe_load(text)


def test_reader_reads_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "description: Montréal, naïve – 58 °C\n")
    assert read_yaml_mapping(path) == {"description": "Montréal, naïve – 58 °C"}


def test_reader_allows_the_same_key_in_different_mappings(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: {id: 1}\nb: {id: 2}\nc:\n  - id: 3\n  - id: 4\n")
    assert read_yaml_mapping(path) == {"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}]}


def test_reader_allows_anchors_and_aliases(tmp_path: Path) -> None:
    path = _write(tmp_path, "base: &b [1, 2]\nother: *b\n")
    assert read_yaml_mapping(path) == {"base": [1, 2], "other": [1, 2]}


def test_reader_reads_merge_keys_like_safe_load(tmp_path: Path) -> None:
    """`<<: *anchor` is not a duplicate key; yaml.safe_load reads it, and so must we."""
    text = (
        "base: &model {spec: 'local:smollm2', temperature: 0.7}\n"
        "warm:\n  <<: *model\n  seed: 3\n"
        "hot:\n  <<: *model\n  temperature: 1.2\n"
    )
    path = _write(tmp_path, text)
    assert read_yaml_mapping(path) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "line", "key", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "'a'", 1),
        ("top:\n  x: 1\n  y: 2\n  x: 3\n", 4, "'x'", 2),
        ("items:\n  - {id: a, id: b}\n", 2, "'id'", 2),
        ("1: one\n2: two\n1: uno\n", 3, "1", 1),
    ],
)
def test_reader_rejects_duplicate_keys(
    tmp_path: Path, text: str, line: int, key: str, first: int
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_yaml_mapping(path)
    err = info.value
    assert err.file == str(path)
    assert err.field.startswith(f"line {line}, column ")
    assert err.reason == f"bad YAML: duplicate key {key} (first at line {first})"
    assert str(err) == f"{path}: {err.field}: {err.reason}"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "the file must be a YAML mapping, but it is empty"),
        (b"# only a comment\n", "the file must be a YAML mapping, but it is empty"),
        (b"- a\n- b\n", "the file must be a YAML mapping, but it is a list"),
        (b"just text\n", "the file must be a YAML mapping, but it is a str"),
        (b"name: Montr\xe9al\n", "not UTF-8 text (byte 0xe9 at offset 11)"),
    ],
)
def test_reader_rejects_whole_file(tmp_path: Path, raw: bytes, reason: str) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        read_yaml_mapping(path)
    assert (info.value.file, info.value.field, info.value.reason) == (str(path), "", reason)


def test_reader_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_yaml_mapping(tmp_path / "nope.yaml")
    assert info.value.reason == "file not found"
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: file not found"


def test_reader_refuses_python_tags(tmp_path: Path) -> None:
    path = _write(tmp_path, "x: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(InputError) as info:
        read_yaml_mapping(path)
    assert info.value.field.startswith("line 1, column ")
    assert info.value.reason.startswith("bad YAML: ")


# --- pydantic errors -> dotted field paths ---------------------------------------------------

GOOD: dict[str, Any] = {
    "name": "s",
    "axes": ["race"],
    "scenarios": [{"id": "a", "template": "a.j2", "variables": {"age": 58}}],
}


def _suite_error(**changes: Any) -> InputError:
    data = {**GOOD, **changes}
    with pytest.raises(ValidationError) as info:
        Suite.model_validate(data)
    return validation_to_input_error(Path("suite.yaml"), info.value)


def test_good_suite_dict_validates() -> None:
    assert Suite.model_validate(GOOD).scenarios[0].variables == {"age": 58}


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"colour": "blue"}, "colour", "unknown key"),
        ({"samples": 0}, "samples", "Input should be greater than or equal to 1 (got 0)"),
        (
            {"models": [{"spec": "local:x", "top_p": 0}]},
            "models.0.top_p",
            "Input should be greater than 0 (got 0)",
        ),
        (
            {"design": {"null_perturbations": 11}},
            "design.null_perturbations",
            "Input should be less than or equal to 10 (got 11)",
        ),
        (
            {"thresholds": {"flip_rate": "x"}},
            "thresholds.flip_rate",
            "Input should be a valid number, unable to parse string as a number (got 'x')",
        ),
        (
            {"scenarios": [{"id": "a", "template": "a.j2", "gold": {"triage": "x"}, "oops": 1}]},
            "scenarios.0.oops",
            "unknown key",
        ),
        ({"scenarios": [{"id": "a"}]}, "scenarios.0.template", "required key is missing"),
        ({"axes": [["race"]]}, "axes.0", "Input should be a valid string (got ['race'])"),
    ],
)
def test_validation_error_to_dotted_path(changes: dict[str, Any], field: str, reason: str) -> None:
    err = _suite_error(**changes)
    assert (err.file, err.field, err.reason) == ("suite.yaml", field, reason)
    assert str(err) == f"suite.yaml: {field}: {reason}"


def test_union_member_names_are_not_path_parts() -> None:
    """`variables` values are a union (str | int | ... | list); pydantic puts the member's name
    in `loc`, which is not a field the user wrote."""
    err = _suite_error(
        scenarios=[{"id": "a", "template": "a.j2", "variables": {"age": {"years": 58}}}]
    )
    assert err.field == "scenarios.0.variables.age"
    err = _suite_error(
        scenarios=[{"id": "a", "template": "a.j2", "variables": {"doses": [1, [2]]}}]
    )
    assert err.field.startswith("scenarios.0.variables.doses")
    assert "list[" not in err.field and "union[" not in err.field


def test_value_error_prefix_is_removed() -> None:
    err = _suite_error(design={"factorial": ["race"]})
    assert err.field == "design.factorial"
    assert err.reason.startswith("a factorial design needs at least two axes")
    assert "Value error" not in str(err)


def test_long_inputs_are_not_echoed() -> None:
    long_name = "N" * 80
    err = _suite_error(name=long_name)
    assert err.field == "name"
    assert long_name not in err.reason
    assert "pattern" in err.reason


def test_prefix_for_inline_axes() -> None:
    with pytest.raises(ValidationError) as info:
        Axis.model_validate({"name": "x", "reference": "a", "values": {"a": {"forms": [{}]}}})
    err = validation_to_input_error("suite.yaml", info.value, prefix="axes.1")
    assert err.field == "axes.1.values.a.forms"
    assert err.reason.startswith("a surface form needs at least one slot")


def test_error_on_the_whole_model_says_top_level() -> None:
    with pytest.raises(ValidationError) as info:
        Suite.model_validate("not a mapping")
    err = validation_to_input_error("suite.yaml", info.value)
    assert err.field == "(top level)"
