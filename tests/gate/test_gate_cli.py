"""`harness gate` on a scorecard file: exit 1 and one line per failing verdict; --fail-on and
--thresholds change what fails."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from gate_cards import make_card, make_verdict

from harness.cli.gate import command


def _write(tmp_path: Path) -> Path:
    card = make_card(
        {
            ("sim:a", "race"): [
                make_verdict("flip_rate:triage", "fail", 0.30, 0.20, 0.40),
                make_verdict("rate:finding:refusal", "inconclusive", 0.08, 0.01, 0.15),
            ],
            ("sim:b", "race"): [make_verdict("flip_rate:triage", "pass", 0.0, 0.0, 0.02)],
        }
    )
    path = tmp_path / "scorecard.json"
    path.write_text(card.model_dump_json())
    return path


def test_gate_exits_1_and_prints_each_failure_on_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, [str(_write(tmp_path))])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("sim:a::race::flip_rate:triage FAIL:")
    assert lines[1] == "gate failed: 3 verdicts; 1 failing, 0 regressions"
    assert len(lines) == 2


def test_fail_on_inconclusive(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, [str(_write(tmp_path)), "--fail-on", "inconclusive"])
    assert result.exit_code == 1
    assert "sim:a::race::rate:finding:refusal INCONCLUSIVE:" in result.output
    assert "2 failing" in result.output


def test_looser_thresholds_pass(tmp_path: Path) -> None:
    thresholds = tmp_path / "gate.yaml"
    thresholds.write_text('metrics:\n  "flip_rate:*": 0.5\n')
    result = CliRunner().invoke(command, [str(_write(tmp_path)), "--thresholds", str(thresholds)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "gate passed: 3 verdicts; 0 failing, 0 regressions"
