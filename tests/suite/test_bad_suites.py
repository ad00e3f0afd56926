"""The bad-suite corpus: every broken suite, axis file or template gives one line on stderr
(`error: <file>: <field.path>: <reason>`), exit code 2 and never a traceback, in `harness expand`
and in `harness run` (which must stop before it calls a model or writes a result)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "bad_suites"
EXPECTED_FILE = CORPUS / "expected.yaml"
SUPPORT_DIRS = ("axes", "prompts")


def _expected() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "expected.yaml must map corpus file -> expectation"
    return data


EXPECTED = _expected()


def _run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`harness.cli.main` in-process; an exception other than SystemExit is a traceback the
    user would have seen, so it fails the test with its type and message."""
    try:
        main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # any escape is the failure under test
        capsys.readouterr()
        pytest.fail(
            f"harness {' '.join(argv)} let {type(exc).__name__} escape (a traceback, not one "
            f"error line): {exc!r:.300}"
        )
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{err}"
    return lines[0]


def _check_line(name: str, line: str) -> None:
    """The line names the file (`at`, a path suffix), then the field, then every reason word,
    in that order."""
    spec = EXPECTED[name]
    assert "Traceback" not in line
    shown = line.replace("\\", "/")
    assert shown.startswith("error: "), shown
    at: str = spec["at"]
    field: str | None = spec["field"]
    head = f"{at}: {field}" if field is not None else f"{at}: "
    start = shown.find(head)
    assert start >= 0, f"{name}: expected {head!r} (file: field) in:\n{shown}"
    before = shown[len("error: ") : start]
    assert before == "" or before.endswith("/"), (
        f"{name}: {at!r} must be the end of the file path, not part of a longer name:\n{shown}"
    )
    pos = start + len(head)
    for word in spec["reason"]:
        found = shown.find(word, pos)
        assert found >= 0, f"{name}: expected {word!r} in the reason (after {head!r}) in:\n{shown}"
        pos = found + len(word)


def _corpus_path(name: str) -> Path:
    path = CORPUS / name
    if EXPECTED[name].get("exists", True):
        assert path.exists(), f"expected.yaml names {name}, which is missing from the corpus"
    else:
        assert not path.exists(), f"{name} must not exist: it stands for a missing suite file"
    return path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expand_gives_one_error_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = _corpus_path(name)
    code, _out, err = _run_cli(["expand", str(path)], capsys)
    assert code == 2, f"{name}: exit code {code}, stderr:\n{err}"
    assert "Traceback" not in err
    _check_line(name, _one_line(err))


@pytest.mark.parametrize(
    "name", ["unknown_model_key.yaml", "not_utf8.yaml", "template_varies_dose.yaml"]
)
def test_expand_subprocess(name: str) -> None:
    """The real entry point (`python -m harness`): the same one line, exit 2, no traceback."""
    path = _corpus_path(name)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "expand", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    _check_line(name, _one_line(proc.stderr))


@pytest.mark.parametrize(
    "name",
    [
        "unknown_model_key.yaml",  # fails while loading the suite
        "missing_template_variable.yaml",  # fails while rendering, during expansion
        "template_varies_dose.yaml",  # fails at the minimal-pair check
    ],
)
def test_run_stops_before_any_result(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    results.mkdir()
    sentinel = results / "sentinel.txt"
    sentinel_bytes = b"written by an earlier run \xe2\x9c\x93\n"
    sentinel.write_bytes(sentinel_bytes)
    before = sorted(p.relative_to(results) for p in results.rglob("*"))

    path = _corpus_path(name)
    code, _out, err = _run_cli(
        ["run", str(path), "--results", str(results), "--run-id", "must-not-exist"], capsys
    )
    assert code == 2, f"{name}: exit code {code}, stderr:\n{err}"
    _check_line(name, _one_line(err))
    assert sentinel.read_bytes() == sentinel_bytes
    assert sorted(p.relative_to(results) for p in results.rglob("*")) == before


def test_every_corpus_file_has_an_expectation() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != EXPECTED_FILE.name}
    missing = sorted(on_disk - set(EXPECTED))
    assert not missing, f"corpus files without an entry in expected.yaml: {missing}"
    stray = sorted(
        name
        for name, spec in EXPECTED.items()
        if spec.get("exists", True) and not (CORPUS / name).exists()
    )
    assert not stray, f"expected.yaml names files that are not in the corpus: {stray}"
    assert len(on_disk) >= 20


def test_every_expectation_pins_file_and_reason() -> None:
    for name, spec in EXPECTED.items():
        assert set(spec) <= {"at", "field", "reason", "exists"}, name
        assert spec["at"], name
        assert "field" in spec, f"{name}: say field: null for an error about the whole file"
        assert spec["reason"] and all(isinstance(w, str) and w for w in spec["reason"]), name
        assert spec["reason"] != ["error"], name


def test_shared_axes_and_prompts_are_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: a suite like the corpus's, on its shared axis files and template, expands.
    So each corpus file fails for its own defect, not for a broken shared file."""
    suite = tmp_path / "good.yaml"
    suite.write_text(
        "schema_version: 1\n"
        "name: good_example\n"
        f"prompts_dir: {(CORPUS / 'prompts').as_posix()}\n"
        f"axes_dir: {(CORPUS / 'axes').as_posix()}\n"
        "axes: [race, gender]\n"
        "scenarios:\n"
        "  - id: chest_pain\n"
        "    template: vignette.j2\n"
        "    variables: {age: 58, minutes: 40}\n"
        "    decisions: [triage]\n"
        "    gold: {triage: emergency}\n",
        encoding="utf-8",
    )
    code, out, err = _run_cli(["expand", str(suite)], capsys)
    assert code == 0, err
    assert err == ""
    assert "minimal-pair check passed" in " ".join(out.split())
