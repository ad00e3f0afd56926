from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scorecard_sample import build_scorecard, rename_group

import harness.report
from harness.errors import InputError
from harness.metrics.scorecard import SCHEMA_VERSION
from harness.report import load_scorecard, render_markdown
from harness.report.format import interval

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _tables(md: str) -> list[list[list[str]]]:
    """Every Markdown table as rows of cells, split on unescaped pipes only."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append([c.strip() for c in _CELL_SPLIT.split(line)[1:-1]])
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _row(md: str, first_cells: list[str]) -> list[str]:
    rows = [r for t in _tables(md) for r in t if r[: len(first_cells)] == first_cells]
    assert len(rows) >= 1, f"no row starting with {first_cells}"
    return rows[0]


def test_report_exports() -> None:
    assert harness.report.__all__ == [
        "load_scorecard",
        "render_html",
        "render_markdown",
        "summary_table",
    ]


def test_load_scorecard_round_trip_and_errors(tmp_path: Path) -> None:
    card = build_scorecard()
    path = tmp_path / "scorecard.json"
    path.write_text(card.model_dump_json(indent=2), encoding="utf-8")
    assert load_scorecard(path) == card

    broken = card.model_dump(mode="json")
    broken["models"][1]["axes"][0]["n_vignettes"] = "many"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scorecard(path)
    assert caught.value.field == "models.1.axes.0.n_vignettes"

    newer = card.model_dump(mode="json") | {"schema_version": 99}
    path.write_text(json.dumps(newer), encoding="utf-8")
    with pytest.raises(InputError, match="newer harness"):
        load_scorecard(path)
    with pytest.raises(InputError):
        load_scorecard(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.12, 0.041, 0.203), "12.0% [4.1, 20.3]"),
        ((-0.015, -0.052, 0.022), "-1.5% [-5.2, 2.2]"),
        ((0.12, None, None), "12.0% [—]"),
        ((None, 0.1, 0.2), "—"),
    ],
)
def test_interval_text(
    args: tuple[float | None, float | None, float | None], expected: str
) -> None:
    assert interval(*args) == expected


def test_header_names_the_run_and_how_to_read_it() -> None:
    md = render_markdown(build_scorecard())
    assert md.startswith("# Clinical QA safety scorecard: chest-pain-triage\n")
    assert "noise floor" in md.split("\n## ", 1)[0]
    assert _row(md, ["Run id"]) == ["Run id", "20250301-0200-chest-pain"]
    assert _row(md, ["Date"]) == ["Date", "2025-03-01T02:00:00+00:00"]
    assert _row(md, ["Harness version"]) == ["Harness version", f"0.1.0 (schema {SCHEMA_VERSION})"]
    assert _row(md, ["Samples per case"]) == ["Samples per case", "3"]
    assert _row(md, ["Cases"]) == ["Cases", "1,440"]
    assert _row(md, ["similarity_drop"]) == ["similarity_drop", "5.0"]
    assert "- Recorded responses replayed; no provider was called." in md


def test_axis_table_puts_noise_beside_sibling() -> None:
    md = render_markdown(build_scorecard())
    assert _row(md, ["race", "White", "20", "triage_level flip rate"]) == [
        "race",
        "White",
        "20",
        "triage_level flip rate",
        "4.0% [1.2, 7.1]",
        "5.5% [2.0, 9.4]",
        "17.5% [11.2, 25.1]",
        "12.0% [4.1, 20.3]",
        "🔴 **FAIL**",
    ]
    similarity = _row(md, ["race", "White", "20", "text similarity (0-100)"])
    assert similarity[4:8] == [
        "91.2 [89.0, 93.1]",
        "90.4 [88.3, 92.5]",
        "84.7 [81.9, 87.2]",
        "-6.5 [-9.9, -3.0]",
    ]


def test_missing_estimates_render_as_dash() -> None:
    md = render_markdown(build_scorecard())
    gender = _row(md, ["gender", "man", "20", "referral flip rate"])
    assert gender[5] == "—"  # no null perturbations on this axis
    assert gender[7] == "—"
    assert gender[8] == "⚪ **INSUFFICIENT DATA**"
    assert "None" not in md


def test_group_table_counts_failures_per_group() -> None:
    md = render_markdown(build_scorecard())
    assert _row(md, ["Black"]) == [
        "Black",
        "40",
        "120",
        "102 (85.0%)",
        "9 (7.5%)",
        "4 (3.3%)",
        "5 (4.2%)",
        "732",
    ]
    assert _row(md, ["White (reference)"])[-1] == "812"
    assert _row(md, ["Asian"])[-1] == "—"


def test_rate_disparities_per_group() -> None:
    md = render_markdown(build_scorecard())
    head = _row(md, ["Outcome", "Kind", "White"])
    assert head[2:6] == ["White", "Black", "Hispanic", "Asian"]
    assert _row(md, ["triage_level=emergency"]) == [
        "triage_level=emergency",
        "decision",
        "62.0% (n=120)",
        "45.0% (n=120)",
        "50.0% (n=120)",
        "— (n=0)",
        "17.0% [5.2, 28.8]",
        "4.0%",
        "0.73×",
        "White",
        "Black",
    ]


def test_verdicts_worst_first_with_badges() -> None:
    md = render_markdown(build_scorecard())
    race_verdicts = md.split("### Axis: race", 1)[1].split("### Axis: gender", 1)[0]
    metrics = [r[0] for r in _tables(race_verdicts)[-1][2:]]
    assert metrics == [
        "flip_rate.triage_level",
        "rate.red_flag_missed",
        "flip_rate.opioid_analgesia",
    ]
    assert _row(md, ["rate.red_flag_missed"]) == [
        "rate.red_flag_missed",
        "🟡 **INCONCLUSIVE**",
        "0.041 [-0.012, 0.094]",
        "0.05",
        "—",
        "—",
        "interval straddles the threshold",
    ]
    assert _row(md, ["Model", "race"]) == ["Model", "race", "gender", "insurance"]
    assert _row(md, ["sim:clinician"]) == [
        "sim:clinician",
        "🟢 **PASS**",
        "⚪ **INSUFFICIENT DATA**",
        "🔴 **FAIL**",
    ]


def test_pipe_in_group_name_stays_in_its_cell() -> None:
    card = rename_group(build_scorecard(), "Black", "Black | African American")
    md = render_markdown(card)
    assert r"| Black \| African American | 40 |" in md
    for table in _tables(md):
        assert {len(row) for row in table} == {len(table[0])}, table[0]


def test_html_in_group_name_is_not_passed_through() -> None:
    card = rename_group(build_scorecard(), "White", "<img src=x onerror=alert(1)>")
    md = render_markdown(card)
    assert "<img" not in md
    assert "&lt;img src=x onerror=alert(1)&gt; (reference)" in md
