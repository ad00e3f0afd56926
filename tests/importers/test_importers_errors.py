"""Bad importer input: one line naming the file, the field and the reason; exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main

PUBLISHED = Path(__file__).resolve().parents[2] / "tests" / "data" / "published"


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    return err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _fails(
        ["import", "discrimeval", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "s.yaml")],
        capsys,
    )
    assert "nope.jsonl: file not found" in err


def test_jsonl_line_that_is_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "explicit.jsonl"
    good = json.dumps(
        {
            "filled_template": "Should the bank approve the loan?",
            "decision_question_id": 1,
            "age": 20.0,
            "gender": "male",
            "race": "white",
        }
    )
    bad.write_text(good + "\n{not json\n")
    err = _fails(["import", "discrimeval", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: line 2: not JSON" in err


def test_jsonl_missing_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "implicit.jsonl"
    bad.write_text(json.dumps({"filled_template": "x", "decision_question_id": 1}) + "\n")
    err = _fails(["import", "discrimeval", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: line 1.age: missing" in err


def test_omar_without_case_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "cases.csv"
    bad.write_text("id,text\n1,A {patient} with chest pain\n")
    err = _fails(["import", "omar", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: Case: no Case column; the columns are: id, text" in err


def test_omar_case_without_placeholder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "cases.csv"
    bad.write_text("Case ID,Case\n1,A {patient} with chest pain\n2,A patient with a cough\n")
    err = _fails(["import", "omar", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: row 3.Case: no {{patient}} placeholder" in err


def test_omar_without_axis_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = PUBLISHED / "llms_bias_bench_cases.csv"
    err = _fails(["import", "omar", str(source), "--out", str(tmp_path / "s.yaml")], capsys)
    assert "--axes-dir: no race.yaml in this folder" in err


def test_equitymedqa_row_with_one_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "equitymedqa_cc_manual.csv"
    bad.write_text("What is a heart attack?\n")
    err = _fails(["import", "equitymedqa", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: row 1: needs two question columns, found 1" in err


def test_equitymedqa_with_no_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "equitymedqa_cc_llm.csv"
    bad.write_text("Same?,Same?\n")
    err = _fails(["import", "equitymedqa", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert "FILE: no counterfactual set found in the data" in err


def test_bad_out_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = PUBLISHED / "equitymedqa_cc_llm.csv"
    err = _fails(
        ["import", "equitymedqa", str(source), "--out", str(tmp_path / "Bad-Name.yml")], capsys
    )
    assert "--out: the suite file must be NAME.yaml" in err


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "equitymedqa_cc_llm.csv"
    bad.write_bytes(b"caf\xe9,cafe\n")
    err = _fails(["import", "equitymedqa", str(bad), "--out", str(tmp_path / "s.yaml")], capsys)
    assert f"{bad}: not UTF-8 text" in err
