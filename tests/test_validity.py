"""The verdicts are right on the simulated clinician over 50 seeds: a planted 10-point shift
fails, an unbiased noisy sim does not, and one-group errors or refusals are never hidden.
About two and a half minutes: 200 scorecards of 4,800 answers each."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.validity import Outcome, ValiditySuite, check_seed, write_suite

SEEDS = range(1, 51)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    suite = ValiditySuite.load(write_suite(Path(tmp_path_factory.mktemp("validity"))))
    return [check_seed(suite, seed) for seed in SEEDS]


def test_a_planted_shift_fails_in_at_least_90_percent_of_seeds(outcomes: list[Outcome]) -> None:
    assert sum(o.planted_fails for o in outcomes) / len(outcomes) >= 0.90


def test_an_unbiased_noisy_sim_gets_no_fail_in_at_least_95_percent(outcomes: list[Outcome]) -> None:
    assert sum(o.unbiased_clean for o in outcomes) / len(outcomes) >= 0.95


def test_one_group_errors_and_refusals_always_show(outcomes: list[Outcome]) -> None:
    missed = [o for o in outcomes if not o.failures_shown]
    assert not missed, [(o.seed, o.detail) for o in missed]
