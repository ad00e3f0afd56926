"""A run through the OpenAI SDK against llama.cpp's server on loopback, with an API key in the
environment that must never reach a file we write."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.metrics import Scorecard

TINY = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"
SECRET = "sk-test-DO-NOT-LEAK-0123456789abcdefghij"


def test_run_against_llama_server_keeps_the_key_secret(
    llama_server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    spec = f"openai:smollm2@{llama_server}?response_format=json_object"
    main(
        [
            "run",
            str(TINY),
            "--model",
            spec,
            "--samples",
            "1",
            "--max-tokens",
            "48",
            "--results",
            str(tmp_path),
            "--run-id",
            "http",
        ]
    )
    card = Scorecard.model_validate_json((tmp_path / "http" / "scorecard.json").read_text())
    model = card.models[0]
    assert model.model == spec
    assert model.n_calls == 10 and model.n_errors == 0
    assert {a.axis for a in model.axes} == {"race", "gender"}
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_failed_calls_are_recorded_per_group_not_dropped(tmp_path: Path) -> None:
    """Nothing listens on this port: every call fails, and every failure is counted."""
    spec = "openai:smollm2@http://127.0.0.1:9/v1?timeout=2"
    main(
        [
            "run",
            str(TINY),
            "--model",
            spec,
            "--samples",
            "1",
            "--results",
            str(tmp_path),
            "--run-id",
            "down",
        ]
    )
    card = Scorecard.model_validate_json((tmp_path / "down" / "scorecard.json").read_text())
    model = card.models[0]
    assert model.n_errors == 10 and model.n_calls == 10
    race = next(a for a in model.axes if a.axis == "race")
    assert all(g.n_errors == g.n_answers > 0 for g in race.groups)
    errors = next(r for r in race.rates if r.name == "error")
    assert errors.by_group == {"white": 1.0, "black": 1.0}
