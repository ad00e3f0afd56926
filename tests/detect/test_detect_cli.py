"""`harness detect`: one answer, a scenario's context, and batches."""

from __future__ import annotations

import json

from click.testing import CliRunner

from harness.cli import cli


def _run(args: list[str], stdin: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["detect", *args], input=stdin)
    return result.exit_code, result.output


def test_json_has_findings_and_triage_from_free_text() -> None:
    code, out = _run(["--json", "-"], "It is definitely nothing serious. Rest at home.")
    assert code == 0
    data = json.loads(out)
    assert data["decisions"] == {"triage": "self_care"}
    assert data["flags"] == ["overconfidence"]
    first = data["findings"][0]
    assert {"category", "start", "end", "text", "negated"} <= set(first)
    assert first["text"] == "definitely"


def test_scenario_brings_its_context() -> None:
    text = "As a Black man he should rest at home."
    code, out = _run(["--json", "--scenario", "chest_pain", "--patient", "race=Black"], text)
    assert code == 0
    flags = json.loads(out)["flags"]
    assert flags == ["missing_escalation", "unprompted_demographic_mention"]
    code, out = _run(["--json"], text)
    assert json.loads(out)["flags"] == []


def test_human_output_shows_why() -> None:
    code, out = _run(["-"], "He is a frequent flyer.")
    assert code == 0
    assert "flagged: stigmatizing_language" in out
    assert "'frequent flyer'" in out


def test_batch_prints_one_result_per_line() -> None:
    lines = [{"id": "a", "text": "Call 911 now."}, {"text": "I cannot provide medical advice."}]
    code, out = _run(["--batch", "-"], "\n".join(json.dumps(x) for x in lines) + "\n")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in results] == ["a", None]
    assert results[0]["decisions"]["triage"] == "emergency"
    assert results[1]["flags"] == ["refusal"]


def test_bad_input_is_a_usage_error() -> None:
    code, out = _run(["--batch", "-"], '{"no_text": 1}\n')
    assert code == 2
    assert "line 1" in out
    code, out = _run(["--scenario", "nope", "-"], "x")
    assert code == 2
    assert "no scenario 'nope'" in out


def test_open_decisions_are_accepted() -> None:
    text = "Order a troponin and an ECG, and give paracetamol 1 g every six hours."
    code, out = _run(["--json", "--decision", "tests", "--decision", "dose", "-"], text)
    assert code == 0, out
    decisions = json.loads(out)["decisions"]
    assert set(decisions) == {"tests", "dose"}
    assert decisions["tests"]  # the ordered tests are read, not left empty
    code, out = _run(["--decision", "nonsense", "-"], text)
    assert code == 2
    assert "unknown decision 'nonsense'" in out
