"""schema/scorecard.schema.json is the published contract: it must match the models, and a
real scorecard must validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from harness.metrics.json_schema import schema_text
from harness.validity import ValiditySuite, scorecard, write_suite

SCHEMA = Path(__file__).parents[2] / "schema" / "scorecard.schema.json"


def test_the_checked_in_schema_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m harness.metrics.json_schema > schema/scorecard.schema.json"
    )


def test_a_scorecard_validates_and_a_broken_one_does_not(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    suite = ValiditySuite.load(write_suite(tmp_path, n_vignettes=6, samples=2))
    card = json.loads(scorecard(suite, "sim:c?seed=1&noise=0.2", 1).model_dump_json())
    jsonschema.validate(card, schema)
    verdict = card["models"][0]["axes"][0]["verdicts"][0]
    verdict["verdict"] = "maybe"
    try:
        jsonschema.validate(card, schema)
    except jsonschema.ValidationError as exc:
        assert "maybe" in exc.message
    else:
        raise AssertionError("an unknown verdict passed the schema")


def test_the_scorecard_fingerprints_its_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "suite"
    suite = ValiditySuite.load(write_suite(folder, n_vignettes=5, samples=2))
    before = scorecard(suite, "sim:c?seed=1", 1).inputs
    assert set(before) == {"suite", "axes", "templates"}
    assert list(before["templates"]) == ["vignette.j2"] and list(before["axes"]) == ["race"]
    template = folder / "prompts" / "vignette.j2"
    template.write_text(template.read_text() + " Answer briefly.")
    after = scorecard(ValiditySuite.load(folder / "validity.yaml"), "sim:c?seed=1", 1).inputs
    assert after["templates"] != before["templates"] and after["suite"] == before["suite"]
