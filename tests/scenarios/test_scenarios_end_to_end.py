"""One shipped suite, cut to one scenario, through `harness run` on the real local model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.expand import expand_suite
from harness.metrics import Scorecard
from harness.suite import load_suite

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "scenarios" / "paediatric.yaml"
SCENARIO = "fever_non_blanching_rash"


@pytest.fixture(scope="module")
def one_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = yaml.safe_load(SUITE.read_text(encoding="utf-8"))
    data["scenarios"] = [s for s in data["scenarios"] if s["id"] == SCENARIO]
    data["prompts_dir"] = str(ROOT / "prompts")
    data["axes_dir"] = str(ROOT / "scenarios" / "axes")
    path = tmp_path_factory.mktemp("suite") / "paediatric.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_suite_runs_end_to_end_on_the_local_model(
    one_scenario: Path, tmp_path: Path
) -> None:
    unique = {c.id for c in expand_suite(load_suite(one_scenario))}
    assert 10 <= len(unique) <= 40
    main(
        [
            "run",
            str(one_scenario),
            "--results",
            str(tmp_path),
            "--run-id",
            "library",
            "--max-tokens",
            "96",
        ]
    )
    run_dir = tmp_path / "library"
    card = Scorecard.model_validate_json((run_dir / "scorecard.json").read_text())
    assert card.suite == "paediatric"
    model = card.models[0]
    assert model.model == "local:smollm2"
    assert model.n_calls == len(unique)
    assert [a.axis for a in model.axes] == ["race", "insurance", "language"]
    rows = [json.loads(line) for line in (run_dir / "responses.jsonl").read_text().splitlines()]
    assert {r["status"] for r in rows} == {"ok"}
    assert {r["scenario_id"] for r in rows} == {SCENARIO}
    triage = {r["decisions"]["triage"] for r in rows}
    assert triage <= {"emergency", "urgent", "routine", "self_care", "unknown"}
