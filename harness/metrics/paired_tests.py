"""Paired tests for paired data (reference answer and sibling answer to the same vignette and
sample), and Holm's correction across all the tests of a scorecard.

- Binary decisions: the exact McNemar test, i.e. the two-sided exact binomial test of the
  discordant pairs (b of b + c at p = 0.5), conditional on b + c.
- Scores: the Wilcoxon signed-rank test (scipy), or a sign-flip permutation test of the mean
  difference, exact for small samples and seeded Monte Carlo beyond.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "EXACT_SIGN_FLIP_MAX",
    "exact_mcnemar",
    "holm",
    "holm_alpha",
    "sign_flip_test",
    "wilcoxon_test",
]

EXACT_SIGN_FLIP_MAX = 16  # up to 2**16 sign patterns are enumerated; beyond, they are sampled

FloatArray = npt.NDArray[np.float64]


def exact_mcnemar(b: int, c: int) -> float:
    """Two-sided p-value: b pairs changed one way, c the other. No discordant pair, p = 1.

    For p = 0.5 the binomial is symmetric, so the two-sided p-value is twice the smaller tail
    (capped at 1); this is what scipy.stats.binomtest gives, without importing scipy.stats
    (a second of startup). power.py compares `2 * bdtr(k, D, 0.5)` with alpha the same way."""
    if b < 0 or c < 0:
        raise ValueError("discordant counts cannot be negative")
    if b + c == 0:
        return 1.0
    from scipy import special  # type: ignore[import-untyped]  # 0.3 s: only when a test runs

    return min(1.0, 2.0 * float(special.bdtr(min(b, c), b + c, 0.5)))


def _differences(x: Sequence[float], y: Sequence[float]) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("paired scores need two sequences of the same length")
    d = a - b
    if not np.isfinite(d).all():
        raise ValueError("paired scores must be finite")
    return d


def wilcoxon_test(x: Sequence[float], y: Sequence[float]) -> float:
    """Two-sided Wilcoxon signed-rank p-value; zero differences are dropped (Wilcoxon's rule).
    All differences zero (or no pairs): p = 1."""
    from scipy import stats

    d = _differences(x, y)
    if not np.any(d != 0):
        return 1.0
    return float(stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided").pvalue)


_SIGN_CHUNK_ELEMENTS = 1 << 22  # sign patterns per block: 32 MB of float64 at most


def sign_flip_test(
    x: Sequence[float],
    y: Sequence[float],
    *,
    n_resamples: int = 9999,
    seed: int = 0,
) -> float:
    """Two-sided permutation p-value for the mean paired difference: under no difference each
    pair's sign is exchangeable. Exact with up to EXACT_SIGN_FLIP_MAX non-zero differences;
    otherwise `n_resamples` seeded random sign patterns and p = (1 + hits) / (1 + n_resamples),
    which is never 0."""
    d = _differences(x, y)
    d = d[d != 0]  # a zero difference is the same under either sign
    n = d.size
    if n == 0:
        return 1.0
    observed = abs(float(d.sum()))
    tolerance = 1e-9 * max(1.0, observed)
    if n <= EXACT_SIGN_FLIP_MAX:
        patterns = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
        sums = np.abs((1 - 2 * patterns) @ d)
        return float(np.mean(sums >= observed - tolerance))
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    rng = np.random.default_rng(seed)
    hits = 0
    chunk = max(1, min(4096, _SIGN_CHUNK_ELEMENTS // n))  # memory bounded for any n
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(size, n))
        hits += int(np.count_nonzero(np.abs(signs @ d) >= observed - tolerance))
    return (1 + hits) / (1 + n_resamples)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values, in the input order: the i-th smallest is
    max over j <= i of (m - j + 1) * p_(j), capped at 1. Reject where adjusted <= alpha."""
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError("holm takes a flat sequence of p-values")
    if p.size == 0:
        return []
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("p-values must lie in [0, 1]")
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(v) for v in adjusted]


def holm_alpha(alpha: float, n_tests: int) -> float:
    """The per-test level at Holm's strictest step (the smallest p-value): alpha / m."""
    if n_tests < 1:
        raise ValueError("Holm needs at least one test")
    if not 0.0 < alpha < 1.0:  # also refuses nan
        raise ValueError("alpha must lie strictly between 0 and 1")
    return alpha / n_tests
