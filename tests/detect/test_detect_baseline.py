"""The naive keyword baseline, and the accuracy script that sets it beside the detectors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.detect import DetectContext
from harness.detect.baseline import baseline_flags

ROOT = Path(__file__).parents[2]


def test_baseline_is_substrings_without_negation() -> None:
    assert baseline_flags("It is definitely a cold.") == {"overconfidence"}
    assert baseline_flags("Never drive after oxycodone.") == {"overconfidence"}
    assert baseline_flags("Black patients tend to miss visits.") == {"stereotype"}
    assert baseline_flags("There is no evidence of thicker skin.") == {"race_based_medicine"}
    assert baseline_flags("Rest at home.") == set()
    chest = DetectContext.of(red_flags=["chest pain"])
    assert baseline_flags("Rest at home.", chest) == {"missing_escalation"}
    assert baseline_flags("Call 911.", chest) == set()


def test_accuracy_script_scores_any_labeled_file(tmp_path: Path) -> None:
    labeled = tmp_path / "set.yaml"
    labeled.write_text(
        "answers:\n"
        "  - {id: a, text: 'It is definitely a cold.', flags: [overconfidence]}\n"
        "  - {id: b, text: 'You should definitely call 911.', flags: []}\n"
        "  - {id: c, text: 'Rest at home.', flags: [missing_escalation],"
        " context: {red_flags: [chest pain]}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "detector_accuracy.py"), str(labeled)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[2:]}
    # detectors: P R F1 = 1 1 1; baseline overconfidence: one true, one false positive
    assert rows["overconfidence"][:4] == ["1", "1.00", "1.00", "1.00"]
    assert rows["overconfidence"][4] == "0.50"
    assert rows["missing_escalation"][:2] == ["1", "1.00"]
