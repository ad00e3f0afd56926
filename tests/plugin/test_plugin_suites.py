"""The plugin on a recorded cassette, through pytest itself (pytester): suites collected as
one test per model x axis x metric, replay, record, replay misses, baselines, the fixture."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest

CLEAN = "sim:clinician?seed=1&noise=0.05"
PLANTED = f"{CLEAN}&axis=race&group=black&decision=triage&to=urgent&shift=0.5"
FLIP_ID = f"scenarios/ci.yaml::{CLEAN}::race::flip_rate:triage"


def _use_model(project: pytest.Pytester, spec: str) -> None:
    suite = project.path / "scenarios" / "ci.yaml"
    suite.write_text(suite.read_text().replace(CLEAN, spec))


def test_the_plugin_is_registered_through_pytest11() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("harness") == "harness.pytest_plugin"


def test_without_a_cassette_the_suite_fails_saying_how_to_record(project: pytest.Pytester) -> None:
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*harness: scenarios/ci.yaml::run*",
            "ci.yaml: no cassette beside the suite: record one with pytest --harness-record",
        ]
    )


def test_record_then_replay_collects_one_test_per_verdict(project: pytest.Pytester) -> None:
    recorded = project.runpytest("--harness-record")
    cassette = project.path / "scenarios" / "ci.cassette.jsonl"
    lines = cassette.read_text().splitlines()
    # 8 vignettes x 2 groups x 2 surface forms x 2 samples
    assert len(lines) == 64 and json.loads(lines[0])["recorded_from"] == CLEAN
    n_tests = recorded.parseoutcomes()["passed"]
    collected = project.runpytest("--collect-only", "-q")
    ids = [line for line in collected.stdout.lines if line.startswith("scenarios/")]
    assert FLIP_ID in ids and len(ids) == n_tests
    assert all(i.count("::") == 3 for i in ids)  # suite::model::axis::metric
    replayed = project.runpytest(FLIP_ID)  # a single test selected by its id
    replayed.assert_outcomes(passed=1)


def test_a_changed_prompt_fails_naming_the_case_and_the_change(project: pytest.Pytester) -> None:
    assert project.runpytest("--harness-record").ret == 0
    template = project.path / "scenarios" / "prompts" / "chest_pain.j2"
    template.write_text(template.read_text().replace("crushing", "severe"))
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "scenarios/ci.yaml::run" in text
    assert "no recorded answer for case" in text and "scenario chest_pain_" in text
    assert "prompt changed: 'crushing' -> 'severe'" in text
    assert "Traceback" not in text


def test_inconclusive_fails_when_asked_with_one_line(project: pytest.Pytester) -> None:
    _use_model(project, PLANTED)
    project.runpytest("--harness-record")
    ini = project.path / "tox.ini"
    ini.write_text(ini.read_text() + "\nharness_fail_on = inconclusive\n")
    result = project.runpytest("-q")
    urgent = f"{PLANTED}::race::rate:decision:triage=urgent"
    # pytest appends " - message" to the summary line when the terminal is wide enough
    failed = f"FAILED scenarios/ci.yaml::{urgent}"
    assert any(x == failed or x.startswith(f"{failed} - ") for x in result.stdout.lines)
    # the failure reads on one line: metric, value, interval, threshold, noise floor, reason
    (line,) = [x for x in result.stdout.lines if x.startswith(f"{urgent} INCONCLUSIVE: value ")]
    for part in ("threshold 0.1,", "noise floor 0.", "in 8 vignettes — "):
        assert part in line
    assert result.ret == 1


def test_a_planted_regression_fails_against_the_baseline(project: pytest.Pytester) -> None:
    assert project.runpytest("--harness-record", "--harness-save-baseline").ret == 0
    baseline = project.path / "scenarios" / "ci.baseline.json"
    assert json.loads(baseline.read_text())["entries"]
    assert project.runpytest().ret == 0  # the unchanged replay passes

    _use_model(project, PLANTED)
    project.runpytest("--harness-record")  # a prompt change re-recorded: answers now differ
    result = project.runpytest("-q")
    regressions = [line for line in result.stdout.lines if " REGRESSION: " in line]
    urgent = [line for line in regressions if "rate:decision:triage=urgent" in line]
    assert len(urgent) >= 1, result.stdout.str()
    assert "baseline 0.000 [0.000, 0.000] -> now 0." in urgent[0]
    assert "beyond the tolerance 0.02" in urgent[0]
    assert "::baseline" not in result.stdout.str()  # every baseline metric was measured


def test_the_fixture_gives_a_run_api(project: pytest.Pytester) -> None:
    project.runpytest("--harness-record")
    project.makepyfile(
        test_fixture_run_api=f'''
        from harness.gate import baseline_from_scorecard

        TRIAGE = ("emergency", "urgent", "routine", "self_care")

        def test_scorecard(harness_run):
            run = harness_run("scenarios/ci.yaml", model="replay:scenarios/ci.cassette.jsonl")
            assert run.models == ["{CLEAN}"]
            assert run.verdict("flip_rate:triage", axis="race").verdict != "fail"
            assert run.flip_rate("race").sibling.n > 0
            assert run.finding_rate("race", "refusal").difference.value is not None
            emergency = run.decision_rate("race", "triage", "emergency")
            assert set(emergency.by_group) == {{"white", "black"}}
            answers = run.decisions("chest_pain_58", axis="race", group="black")
            assert len(answers) == 2 and all(a["triage"] in TRIAGE for a in answers)
            assert run.failures() == []
            assert run.regressions(baseline_from_scorecard(run.scorecard)) == []

        def test_same_run_is_shared(harness_run):
            a = harness_run("scenarios/ci.yaml")
            b = harness_run("scenarios/ci.yaml")
            assert a is b

        def test_missing_cassette(harness_run):
            harness_run("scenarios/ci.yaml", model="replay:scenarios/other.cassette.jsonl")
        '''
    )
    result = project.runpytest("test_fixture_run_api.py")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*other.cassette.jsonl: cassette not found*"])
