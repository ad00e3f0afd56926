"""The example GitHub workflows are valid YAML, every step is well formed, and every `harness`
and `pytest --harness-*` command line in them parses against the real commands and options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from harness.cli import cli

EXAMPLES = Path(__file__).parents[2] / "examples"
WORKFLOWS = sorted((EXAMPLES / "github").glob("*.yml"))
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def _load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _steps(doc: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job["steps"]]


def _command_lines(doc: dict[Any, Any]) -> list[list[str]]:
    lines = []
    for step in _steps(doc):
        script = EXPRESSION.sub("X", step.get("run", "")).replace("\\\n", " ")
        for line in script.splitlines():
            if line.strip():
                lines.append(shlex.split(line))
    return lines


def test_there_are_the_two_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["nightly.yml", "pr-gate.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_well_formed(path: Path) -> None:
    doc = _load(path)
    assert doc.get(True) or doc.get("on"), "no trigger (`on:`)"  # YAML 1.1 reads `on` as true
    for job in doc["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest" and job["steps"]
    for step in _steps(doc):
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_harness_commands_exist_and_parse(path: Path) -> None:
    calls = [line[1:] for line in _command_lines(_load(path)) if line[0] == "harness"]
    assert calls
    for args in calls:
        ctx = click.Context(cli)
        command = cli.get_command(ctx, args[0])
        assert command is not None, f"{path.name}: no command `harness {args[0]}`"
        rest = args[1:]
        if isinstance(command, click.Group):
            sub = command.get_command(ctx, rest[0])
            assert sub is not None, f"{path.name}: no command `harness {args[0]} {rest[0]}`"
            command, rest = sub, rest[1:]
        command.make_context(args[0], list(rest))  # raises on an unknown option or bad value


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_pytest_lines_use_the_plugins_options(path: Path, pytestconfig: pytest.Config) -> None:
    for line in _command_lines(_load(path)):
        if line[:3] != ["python", "-m", "pytest"]:
            continue
        for arg in line:
            if arg.startswith("--harness-"):
                dest = arg.split("=", 1)[0].removeprefix("--").replace("-", "_")
                pytestconfig.getoption(dest)  # ValueError if the plugin has no such option
            if arg.startswith("harness_"):
                pytestconfig.getini(arg.split("=", 1)[0])


def test_nightly_summarises_the_gate_and_uploads_the_report() -> None:
    doc = _load(EXAMPLES / "github" / "nightly.yml")
    lines = [" ".join(line) for line in _command_lines(doc)]
    assert any(line.startswith("harness gate") and "GITHUB_STEP_SUMMARY" in line for line in lines)
    assert any(line.startswith("harness run") and line.count("--model") >= 2 for line in lines)
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in _steps(doc))
    assert "schedule" in doc[True]


def test_pr_gate_replays_and_posts_the_scorecard() -> None:
    doc = _load(EXAMPLES / "github" / "pr-gate.yml")
    lines = [" ".join(line) for line in _command_lines(doc)]
    assert any("--model replay:" in line for line in lines if line.startswith("harness run"))
    assert any("scorecard.md >> $GITHUB_STEP_SUMMARY" in line for line in lines)
    assert any(line.startswith("harness gate") and "--baseline" in line for line in lines)
    assert "pull_request" in doc[True]


def test_readme_documents_the_three_workflows() -> None:
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for heading in (
        "## 1. Nightly model eval",
        "## 2. Comparing LLM vendors",
        "## 3. Prompt regression suite in CI",
    ):
        assert heading in text
    assert text.count("```bash") >= 3
