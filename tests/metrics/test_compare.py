"""`harness compare`: models side by side on the same cases, paired tests, disagreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.metrics.compare import compare, load_answers
from harness.metrics.paired_tests import exact_mcnemar, holm
from harness.validity import write_suite

FAIR = "sim:a?seed=1&noise=0.1"
SHIFTED = "sim:b?seed=2&noise=0.1&axis=race&group=black&to=urgent&shift=0.5"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compare")
    suite = write_suite(root / "suite", n_vignettes=8, samples=3)
    results = root / "results"
    main(["run", str(suite), "--model", FAIR, "--results", str(results), "--run-id", "fair"])
    main(["run", str(suite), "--model", SHIFTED, "--results", str(results), "--run-id", "shift"])
    return results


def _rows(run: Path) -> dict[tuple[str, int], str]:
    rows = [json.loads(x) for x in (run / "responses.jsonl").read_text().splitlines()]
    return {(r["case_id"], r["sample"]): r["decisions"]["triage"] for r in rows}


def test_paired_tests_count_the_same_cases_by_hand(runs: Path) -> None:
    result = compare(load_answers([runs / "fair", runs / "shift"]))
    a, b = _rows(runs / "fair"), _rows(runs / "shift")
    assert a.keys() == b.keys()
    test = next(t for t in result.tests if t.outcome == "triage=urgent")
    only_a = sum(a[k] == "urgent" and b[k] != "urgent" for k in a)
    only_b = sum(b[k] == "urgent" and a[k] != "urgent" for k in a)
    assert (test.n_pairs, test.only_a, test.only_b) == (len(a), only_a, only_b)
    assert test.p_raw == pytest.approx(exact_mcnemar(only_a, only_b))
    assert [t.p_value for t in result.tests] == sorted(t.p_value for t in result.tests)
    raw = {(t.outcome, t.model_a): t.p_raw for t in result.tests}
    adjusted = dict(zip(raw, holm(list(raw.values())), strict=True))
    assert test.p_value == pytest.approx(adjusted[(test.outcome, test.model_a)])
    assert test.p_value < 0.05 and test.rate_b > test.rate_a  # the planted shift shows


def test_disagreement_matrix(runs: Path) -> None:
    result = compare(load_answers([runs / "fair", runs / "shift"]))
    a, b = _rows(runs / "fair"), _rows(runs / "shift")
    table = result.disagreement["triage"]
    expected = sum(a[k] != b[k] for k in a) / len(a)
    assert table[FAIR][SHIFTED] == pytest.approx(expected) == table[SHIFTED][FAIR]
    assert table[FAIR][FAIR] == 0.0


def test_cli_prints_markdown_and_json(runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["compare", str(runs / "fair"), str(runs / "shift"), "--out", str(runs / "c.md")])
    out = capsys.readouterr().out
    assert "# Model comparison" in out and "triage=urgent" in out
    assert (runs / "c.md").read_text().startswith("# Model comparison")
    main(["compare", str(runs / "fair"), str(runs / "shift"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["models"] == [FAIR, SHIFTED]


def test_one_model_or_a_bad_file_is_a_one_line_error(
    runs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compare", str(runs / "fair")])
    assert exc.value.code == 2
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "responses.jsonl").write_text('{"model": "x"\n')
    with pytest.raises(SystemExit) as exc:
        main(["compare", str(runs / "fair"), str(bad)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and "line 1" in err[-1]
