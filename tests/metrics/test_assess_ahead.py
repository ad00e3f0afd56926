"""Assessing answers in a thread while the calls are out: every answer submitted after start is
assessed there, the rows come out as they would without it, nothing runs before start, and a
failure in the thread reaches the caller."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from harness.expand import Case, expand_suite
from harness.metrics.ahead import AssessAhead
from harness.metrics.answers import AnswerAssessor, answer_rows
from harness.run import Answer, execute_plan, plan_calls, prepare_models
from harness.store import ResponseStore
from harness.suite import LoadedSuite, ModelConfig, load_suite

TINY = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"


class ThreadNoting(AnswerAssessor):
    """Notes the thread each answer is assessed in."""

    def __init__(self, loaded: LoadedSuite, cases: list[Case], fail: bool = False) -> None:
        super().__init__(loaded, cases)
        self.threads: list[str] = []
        self.fail = fail

    def assess(self, answer: Answer) -> dict[str, Any]:
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ValueError(f"cannot assess {answer.case_id}")
        return super().assess(answer)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedSuite, list[Case], list[Answer]]:
    loaded = load_suite(TINY)
    cases = expand_suite(loaded)
    spec = "sim:clinician?seed=3&noise=0.2&error_rate=0.3"
    runs = prepare_models([ModelConfig(spec=spec, max_attempts=1)])
    with ResponseStore(tmp_path_factory.mktemp("ahead") / "store.sqlite") as store:
        plan = plan_calls(runs, cases, samples=2, store=store)
        answers = execute_plan(runs, plan, store=store)
    assert len({a.response.status == "ok" for a in answers}) == 2  # failures are assessed too
    return loaded, cases, answers


def test_every_answer_submitted_after_start_is_assessed_in_the_thread(
    run: tuple[LoadedSuite, list[Case], list[Answer]],
) -> None:
    loaded, cases, answers = run
    assessor = ThreadNoting(loaded, cases)
    ahead = AssessAhead(assessor)
    ahead.start()
    for answer in answers:
        ahead.submit(answer)
    ahead.finish()
    assert ahead.assessed == len(answers)
    assert assessor.threads == ["assess-ahead"] * len(answers)
    assert assessor.rows(answers) == answer_rows(loaded, cases, answers)


def test_without_start_nothing_is_queued_or_assessed(
    run: tuple[LoadedSuite, list[Case], list[Answer]],
) -> None:
    loaded, cases, answers = run
    assessor = ThreadNoting(loaded, cases)
    ahead = AssessAhead(assessor)
    for answer in answers:
        ahead.submit(answer)
    ahead.finish()
    assert ahead.assessed == 0 and assessor.threads == []


def test_a_failure_in_the_thread_is_raised_by_finish(
    run: tuple[LoadedSuite, list[Case], list[Answer]],
) -> None:
    loaded, cases, answers = run
    ahead = AssessAhead(ThreadNoting(loaded, cases, fail=True))
    ahead.start()
    ahead.submit(answers[0])
    with pytest.raises(ValueError, match=f"cannot assess {answers[0].case_id}"):
        ahead.finish()
