"""Power of the exact paired McNemar test against a brute-force oracle, a simulation and the
reference sample sizes; the suite plan against the expansion's own counts."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

from harness.expand import expand_suite
from harness.metrics.paired_tests import exact_mcnemar
from harness.metrics.power import mcnemar_power, pairs_needed, plan_suite, smallest_detectable
from harness.suite import load_suite

DEMO = Path(__file__).parents[2] / "scenarios" / "demo.yaml"
TINY = Path(__file__).parents[1] / "data" / "tiny"


@pytest.mark.parametrize(("effect", "expected"), [(0.05, 658), (0.10, 168)])
def test_reference_sample_sizes(effect: float, expected: int) -> None:
    """Flip rate 0.20, two-sided alpha 0.05, power 0.80 (the issue's reference figures)."""
    n = pairs_needed(effect, flip_rate=0.2, alpha=0.05, power=0.8)
    assert n == expected
    assert mcnemar_power(n - 1, flip_rate=0.2, effect=effect) < 0.8
    assert mcnemar_power(n, flip_rate=0.2, effect=effect) >= 0.8


def _brute_force_power(n: int, flip: float, effect: float, alpha: float) -> float:
    """Every (b, c) table, weighted by its multinomial probability, tested with binomtest."""
    p10, p01 = (flip + effect) / 2, (flip - effect) / 2
    total = 0.0
    for b in range(n + 1):
        for c in range(n + 1 - b):
            if b + c == 0 or stats.binomtest(b, b + c, 0.5).pvalue > alpha:
                continue
            total += float(stats.multinomial.pmf([b, c, n - b - c], n, [p10, p01, 1 - flip]))
    return total


@pytest.mark.parametrize(
    ("n", "flip", "effect", "alpha"),
    [(30, 0.3, 0.15, 0.05), (25, 0.5, -0.2, 0.01), (40, 0.2, 0.1, 0.05), (12, 0.9, 0.5, 0.05)],
)
def test_power_matches_brute_force(n: int, flip: float, effect: float, alpha: float) -> None:
    expected = _brute_force_power(n, flip, effect, alpha)
    assert mcnemar_power(n, flip_rate=flip, effect=effect, alpha=alpha) == pytest.approx(
        expected, rel=1e-9, abs=1e-12
    )


def test_power_matches_simulated_paired_data() -> None:
    n, flip, effect, reps = 120, 0.22, 0.10, 4000
    rng = np.random.default_rng(2024)
    p10, p01 = (flip + effect) / 2, (flip - effect) / 2
    counts = rng.multinomial(n, [p10, p01, 1 - flip], size=reps)
    significant = np.mean([exact_mcnemar(int(b), int(c)) <= 0.05 for b, c, _ in counts])
    computed = mcnemar_power(n, flip_rate=flip, effect=effect, alpha=0.05)
    # standard error sqrt(0.58 * 0.42 / 4000) = 0.0078: the tolerance is about 3 of them
    assert abs(significant - computed) < 0.025
    assert 0.3 < computed < 0.9  # a power where a wrong formula would show


@pytest.mark.parametrize(
    ("flip", "effect", "alpha", "scan_to"),
    [
        (0.9, 0.5, 0.01, 80),
        (1.0, 0.4, 0.05, 80),  # power dips between the first crossing and for good
        (0.5, 0.3, 0.05, 120),
        (0.1, 0.1, 0.05, 120),
        (0.3, 0.2, 0.001, 200),
    ],
)
def test_pairs_needed_is_the_first_n_reaching_the_power(
    flip: float, effect: float, alpha: float, scan_to: int
) -> None:
    powers = [mcnemar_power(n, flip_rate=flip, effect=effect, alpha=alpha) for n in range(scan_to)]
    first = next(n for n, p in enumerate(powers) if p >= 0.8)
    assert pairs_needed(effect, flip_rate=flip, alpha=alpha, power=0.8) == first


def test_power_properties_and_bad_input() -> None:
    assert mcnemar_power(0, flip_rate=0.2, effect=0.1) == 0.0
    assert mcnemar_power(200, flip_rate=0.2, effect=0.1) == pytest.approx(
        mcnemar_power(200, flip_rate=0.2, effect=-0.1)
    )
    # no effect: the exact test keeps its size at or below alpha
    assert mcnemar_power(300, flip_rate=0.2, effect=0.0) <= 0.05
    with pytest.raises(ValueError):
        mcnemar_power(10, flip_rate=0.1, effect=0.2)
    with pytest.raises(ValueError):
        pairs_needed(0.0, flip_rate=0.2)


@pytest.mark.parametrize("n", [40, 120, 658, 3000])
def test_smallest_detectable_is_the_edge(n: int) -> None:
    effect = smallest_detectable(n, flip_rate=0.2, alpha=0.05, power=0.8)
    assert effect is not None
    assert mcnemar_power(n, flip_rate=0.2, effect=effect) >= 0.8
    assert mcnemar_power(n, flip_rate=0.2, effect=effect - 1e-4) < 0.8


def test_smallest_detectable_by_hand_and_none() -> None:
    # Every pair discordant (flip 1), 6 pairs: only b = 0 or 6 rejects at alpha 0.05
    # (p = 2 / 2^6 = 0.031), so power = q^6 + (1 - q)^6 with q = (1 + effect) / 2.
    lo, hi = 0.5, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if mid**6 + (1 - mid) ** 6 >= 0.8 else (mid, hi)
    by_hand = math.ceil((2 * hi - 1) * 1e4) / 1e4
    assert smallest_detectable(6, flip_rate=1.0, alpha=0.05) == pytest.approx(by_hand)
    # Below 0.031 no table of 6 pairs can reject; at flip 0.2, 20 pairs rarely reach 6 flips.
    assert smallest_detectable(6, flip_rate=1.0, alpha=0.05 / 24) is None
    assert smallest_detectable(20, flip_rate=0.2, alpha=0.05) is None


def test_plan_demo_counts_what_the_expansion_produces() -> None:
    loaded = load_suite(DEMO)
    cases = expand_suite(loaded)
    plan = plan_suite(loaded, cases, effect=0.05, flip_rate=0.2)
    samples = loaded.suite.samples
    siblings = Counter((c.axis, c.group) for c in cases if c.kind == "sibling")
    assert [a.axis for a in plan.axes] == list(loaded.axes)
    for axis in plan.axes:
        groups = [g for (name, g) in siblings if name == axis.axis]
        assert axis.groups == len(groups) == len(loaded.axes[axis.axis].values) - 1
        assert axis.pairs_per_group == min(siblings[(axis.axis, g)] for g in groups) * samples
        assert axis.tests == 4 * axis.groups  # triage has four values
        assert axis.power_as_written == pytest.approx(
            mcnemar_power(axis.pairs_per_group, flip_rate=0.2, effect=0.05, alpha=0.05 / 24)
        )
        assert axis.calls == len({c.id for c in cases if c.axis == axis.axis}) * samples
    assert plan.tests == sum(a.tests for a in plan.axes)
    assert plan.alpha_per_test == pytest.approx(0.05 / plan.tests)
    assert plan.pairs_needed == pairs_needed(0.05, flip_rate=0.2, alpha=0.05 / plan.tests)
    assert plan.pairs_needed is not None
    assert all(a.vignettes_needed == math.ceil(plan.pairs_needed / samples) for a in plan.axes)
    assert plan.calls == len({c.id for c in cases}) * samples * len(loaded.suite.models)


def test_plan_factorial_and_a_decision_in_one_scenario(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        f"""schema_version: 1
name: mixed
prompts_dir: {TINY / "prompts"}
axes_dir: {TINY / "axes"}
axes: [race, gender]
design: {{one_at_a_time: true, factorial: [race, gender], null_perturbations: 0}}
samples: 3
scenarios:
  - {{id: chest_pain, template: chest_pain.j2, variables: {{age: 58}},
      decisions: [triage, referral]}}
  - {{id: sore_throat, template: sore_throat.j2, variables: {{age: 27}}, decisions: [triage]}}
  - {{id: sore_throat_race, template: sore_throat.j2, variables: {{age: 40}},
      decisions: [triage], axes: [race]}}
""",
        encoding="utf-8",
    )
    loaded = load_suite(suite)
    plan = plan_suite(loaded, expand_suite(loaded))
    by_axis = {a.axis: a for a in plan.axes}
    n_race = len(loaded.axes["race"].values)
    assert set(by_axis) == {"race", "gender", "race×gender"}
    assert by_axis["race"].vignettes == 3 and by_axis["gender"].vignettes == 2
    assert by_axis["race×gender"].groups == 2 * n_race - 1
    assert by_axis["gender"].pairs_per_group == 2 * 3
    # referral is extracted in one vignette only: the fewest pairs a rated decision has
    assert by_axis["gender"].fewest_decision_pairs == 1 * 3
    assert by_axis["race"].fewest_decision_pairs == 1 * 3
    assert by_axis["gender"].tests == 1 * (4 + 2)
    assert by_axis["race"].tests == (n_race - 1) * (4 + 2)
    assert plan.tests == sum(a.tests for a in plan.axes)
