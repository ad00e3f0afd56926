"""Paired tests against scipy, hand-computed cases, and Holm against statsmodels' definition
written out (statsmodels itself is not a dependency)."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats  # type: ignore[import-untyped]

from harness.metrics.paired_tests import (
    EXACT_SIGN_FLIP_MAX,
    exact_mcnemar,
    holm,
    holm_alpha,
    sign_flip_test,
    wilcoxon_test,
)


@pytest.mark.parametrize("b", range(0, 26))
def test_exact_mcnemar_matches_scipy_binomtest(b: int) -> None:
    for c in range(0, 26):
        if b + c == 0:
            continue
        expected = stats.binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
        assert exact_mcnemar(b, c) == pytest.approx(expected, rel=1e-9, abs=1e-15), (b, c)


def test_exact_mcnemar_by_hand() -> None:
    assert exact_mcnemar(0, 5) == pytest.approx(2 / 32)  # 2 * (1/2)^5
    assert exact_mcnemar(5, 0) == pytest.approx(2 / 32)
    assert exact_mcnemar(1, 5) == pytest.approx(2 * (1 + 6) / 64)
    assert exact_mcnemar(2, 8) == pytest.approx(2 * (1 + 10 + 45) / 1024)
    assert exact_mcnemar(3, 3) == 1.0
    assert exact_mcnemar(4, 5) == 1.0  # twice the smaller tail passes 1: capped
    assert exact_mcnemar(0, 0) == 1.0
    with pytest.raises(ValueError):
        exact_mcnemar(-1, 3)


def test_holm_by_hand() -> None:
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 -> max(0.06, 0.04) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # 0.4*3 = 1.2 caps at 1, and the step-down carries it to every later p-value
    assert holm([0.4, 0.9, 0.45]) == [1.0, 1.0, 1.0]
    assert holm([0.02]) == [0.02]
    assert holm([]) == []


def _statsmodels_holm(
    pvals: npt.NDArray[np.float64], alpha: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """statsmodels.stats.multitest.multipletests(method="holm"), written out from its source."""
    sortind = np.argsort(pvals)
    pvals_sorted = np.take(pvals, sortind)
    ntests = len(pvals)
    notreject = pvals_sorted > alpha / np.arange(ntests, 0, -1)
    nr_index = np.nonzero(notreject)[0]
    if nr_index.size:
        notreject[nr_index.min() :] = True
    reject_sorted = ~notreject
    corrected_raw = pvals_sorted * np.arange(ntests, 0, -1)
    corrected = np.maximum.accumulate(corrected_raw)
    corrected[corrected > 1] = 1
    reject = np.empty_like(reject_sorted)
    reject[sortind] = reject_sorted
    out = np.empty_like(corrected)
    out[sortind] = corrected
    return reject, out


@pytest.mark.parametrize("seed", range(20))
def test_holm_matches_statsmodels_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 60))
    p = rng.beta(0.3, 1.0, size=m)
    p[rng.random(m) < 0.2] = p[0]  # ties
    reject, expected = _statsmodels_holm(p, 0.05)
    adjusted = np.array(holm(list(p)))
    np.testing.assert_allclose(adjusted, expected, rtol=1e-12)
    np.testing.assert_array_equal(adjusted <= 0.05, reject)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= 0)  # monotone in the p-values
    assert np.all(adjusted >= p) and np.all(adjusted <= 1)


def test_holm_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        holm([0.1, float("nan")])
    with pytest.raises(ValueError):
        holm([1.2])
    assert holm_alpha(0.05, 50) == pytest.approx(0.001)
    with pytest.raises(ValueError):
        holm_alpha(0.05, 0)


def test_wilcoxon_by_hand_and_symmetry() -> None:
    # Five positive differences, no ties: the exact two-sided p is 2 / 2^5.
    assert wilcoxon_test([1.0, 2.0, 3.0, 4.0, 5.0], [0.0] * 5) == pytest.approx(2 / 32)
    x, y = [0.9, 0.4, 0.7, 0.2, 0.6, 0.8, 0.3], [0.5, 0.5, 0.2, 0.3, 0.1, 0.6, 0.35]
    assert wilcoxon_test(x, y) == pytest.approx(wilcoxon_test(y, x))
    assert wilcoxon_test([0.5, 0.5], [0.5, 0.5]) == 1.0  # all differences zero
    with pytest.raises(ValueError):
        wilcoxon_test([1.0, 2.0], [1.0])


def test_sign_flip_by_hand() -> None:
    # |+-1 +-2 +-3| over 8 sign patterns: 6, 4, 2, 0, 0, 2, 4, 6; observed 6 -> 2 of 8.
    assert sign_flip_test([1.0, 2.0, 3.0], [0.0, 0.0, 0.0]) == pytest.approx(0.25)
    assert sign_flip_test([1.0, 2.0, 3.0, 7.0], [1.0, 2.0, 3.0, 7.0]) == 1.0
    # a zero difference changes nothing
    assert sign_flip_test([1.0, 2.0, 3.0, 5.0], [0.0, 0.0, 0.0, 5.0]) == pytest.approx(0.25)


@pytest.mark.parametrize("seed", range(5))
def test_sign_flip_exact_matches_scipy_permutation_test(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.3, 1.0, size=10)
    y = rng.normal(0.0, 1.0, size=10)

    def mean_difference(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], axis: int) -> float:
        return np.mean(a - b, axis=axis)  # type: ignore[no-any-return]

    expected = stats.permutation_test(
        (x, y), mean_difference, permutation_type="samples", vectorized=True
    ).pvalue
    assert sign_flip_test(list(x), list(y)) == pytest.approx(expected, rel=1e-9)


def test_sign_flip_monte_carlo_is_seeded_and_close_to_exact() -> None:
    n = EXACT_SIGN_FLIP_MAX + 1
    rng = np.random.default_rng(11)
    d = rng.normal(0.1, 1.0, size=n)
    patterns = np.array(list(itertools.product((-1.0, 1.0), repeat=n)))
    exact = float(np.mean(np.abs(patterns @ d) >= abs(d.sum()) - 1e-9))
    first = sign_flip_test(list(d), [0.0] * n, n_resamples=20000, seed=3)
    assert first == sign_flip_test(list(d), [0.0] * n, n_resamples=20000, seed=3)
    assert first != sign_flip_test(list(d), [0.0] * n, n_resamples=20000, seed=4)
    assert 0.05 < exact < 0.95  # a p-value where sampling error shows
    assert abs(first - exact) < 0.015  # about 4 standard errors at 20,000 resamples


def test_sign_flip_memory_stays_bounded_for_many_vignettes() -> None:
    """100,000 cases make 25,000 vignettes: the sign patterns are drawn in blocks, never as one
    n_resamples x n matrix (that alone took 0.8 GB in the scale benchmark)."""
    import tracemalloc

    rng = np.random.default_rng(3)
    x = rng.random(25_000)
    y = x + rng.normal(0.0, 0.1, 25_000)
    tracemalloc.start()
    try:
        p = sign_flip_test(x, y, n_resamples=2_000, seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0.0 < p <= 1.0
    assert peak < 160 * 2**20, f"{peak / 2**20:.0f} MB"  # one 2,000 x n matrix: 1.2 GB
