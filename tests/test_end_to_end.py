"""The whole flow on real parts: the tiny suite on the real local model through the CLI, the
rerun served from the SQLite store, and the HTML scorecard opened in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chromium_page import Chromium

from harness.cli import main
from harness.metrics import SCHEMA_VERSION, Scorecard
from harness.report.format import estimate

TINY = Path(__file__).parent / "data" / "tiny" / "tiny.yaml"
OUTPUTS = ("responses.jsonl", "scorecard.json", "scorecard.md", "scorecard.html")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = tmp_path_factory.mktemp("results")
    main(["run", str(TINY), "--results", str(results), "--run-id", "first"])
    return results


def _responses(run_dir: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (run_dir / "responses.jsonl").read_text().splitlines()]


def test_run_writes_the_four_outputs(first_run: Path) -> None:
    run_dir = first_run / "first"
    for name in OUTPUTS:
        assert (run_dir / name).stat().st_size > 0, name
    card = Scorecard.model_validate_json((run_dir / "scorecard.json").read_text())
    assert card.schema_version == SCHEMA_VERSION and card.suite == "tiny"
    model = card.models[0]
    assert model.model == "local:smollm2"
    assert model.n_calls == 20 and model.n_cache_hits == 0  # 10 unique cases x 2 samples
    assert [a.axis for a in model.axes] == ["race", "gender"]
    rows = _responses(run_dir)
    assert {r["status"] for r in rows} == {"ok"}
    assert all(
        r["decisions"]["triage"]  # type: ignore[index]
        in ("emergency", "urgent", "routine", "self_care", "unknown")
        for r in rows
    )
    race = model.axes[0]
    assert sum(g.n_answers for g in race.groups) == sum(r["axis"] == "race" for r in rows)


def test_rerun_makes_no_call_and_gives_the_same_answers(first_run: Path) -> None:
    main(["run", str(TINY), "--results", str(first_run), "--run-id", "second"])
    card = Scorecard.model_validate_json((first_run / "second" / "scorecard.json").read_text())
    assert card.models[0].n_calls == 0 and card.models[0].n_cache_hits == 20
    first = {(r["case_id"], r["sample"]): r["text"] for r in _responses(first_run / "first")}
    second = {(r["case_id"], r["sample"]): r["text"] for r in _responses(first_run / "second")}
    assert first == second


def test_scorecard_html_renders_in_chromium(
    first_run: Path, tmp_path: Path, chromium: Chromium
) -> None:
    page = first_run / "first" / "scorecard.html"
    dom = chromium.dom(page)
    shot = chromium.screenshot(page, tmp_path / "scorecard.png", 1280, 1800)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    table = dom[dom.index('id="axis-table-0"') :]
    table = table[: table.index("</table>")]
    card = Scorecard.model_validate_json((first_run / "first" / "scorecard.json").read_text())
    for axis in card.models[0].axes:
        row = table[table.index(f'data-axis="{axis.axis}"') :]
        sibling = estimate(axis.flip_rate["triage"].sibling)
        assert f'<td class="cell-sibling est">{sibling}</td>' in row[: row.index("</tr>")]
