from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text
from scorecard_sample import build_scorecard

from harness.report import summary_table


def _text(table: Table) -> str:
    console = Console(record=True, width=160, file=io.StringIO())
    console.print(table)
    return console.export_text()


def _line(text: str, *parts: str) -> str:
    """The one printed line holding all `parts`: the first line of one table row."""
    lines = [line for line in text.splitlines() if all(p in line for p in parts)]
    assert len(lines) == 1, (parts, lines)
    return lines[0]


def test_rows_per_model_and_axis() -> None:
    text = _text(summary_table(build_scorecard()))
    line = _line(text, "openai:gpt-4o-mini", "race")
    for cell in ("20", "triage_level", "17.5%", "4.0% / 5.5%", "12.0% [4.1, 20.3]"):
        assert cell in line
    assert "15 / 5" in line  # errors / refusals summed over the axis's groups
    assert "✗ FAIL" in line
    assert "triage_level=emergency" in line
    # the rate's interval sits on the next printed line of the same row
    after = text.splitlines()[text.splitlines().index(line) + 1]
    assert "17.0% [5.2, 28.8]" in after
    # the decision shown is the one furthest above noise, not the first listed
    assert "opioid_analgesia" not in text


def test_missing_values_and_every_verdict() -> None:
    text = _text(summary_table(build_scorecard()))
    gender = _line(text, "gender", "3 ")
    assert gender.count("—") >= 5
    assert "∅ INSUFFICIENT DATA" in gender
    assert "? INCONCLUSIVE" in _line(text, "insurance", "9.0%")
    assert "✓ PASS" in _line(text, "sim:clinician", "race")
    assert "2.0% / —" in _line(text, "gender", "4.0%")
    assert "12 / 3" in _line(text, "insurance", "31.0%", "28.0% [—]")


def test_header_and_caption() -> None:
    text = _text(summary_table(build_scorecard()))
    assert "chest-pain-triage · run 20250301-0200-chest-pain" in text
    assert "noise floor" in text
    for header in ("Vignettes", "Sibling", "Sensitivity", "Worst"):
        assert header in text


def test_verdict_cells_carry_colour() -> None:
    table = summary_table(build_scorecard())
    verdicts = list(table.columns[-1].cells)
    assert all(isinstance(c, Text) for c in verdicts)
    styles = {str(c).strip(): str(c.style) for c in verdicts if isinstance(c, Text)}
    assert "red" in styles["✗ FAIL"]
    assert "green" in styles["✓ PASS"]
    assert "yellow" in styles["? INCONCLUSIVE"]


def test_names_are_not_read_as_markup() -> None:
    card = build_scorecard()
    card.models[0].model = "[red]gpt[/red]"
    text = _text(summary_table(card))
    assert "[red]gpt[/red]" in text
