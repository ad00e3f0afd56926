"""Power of the exact paired McNemar test, and how many pairs a difference needs.

A pair is (reference answer, sibling answer) for the same vignette and sample. For one binary
decision (say triage = emergency) a pair is discordant when exactly one of the two answers takes
it; the flip rate is the discordant share p10 + p01 and the effect is p10 - p01, the difference in
the decision's rate between the two groups. Given D discordant pairs, b (those toward the sibling)
is Binomial(D, (flip + effect) / (2 flip)), and the exact test rejects when
`exact_mcnemar(b, D - b) <= alpha`. The unconditional power for n pairs sums the conditional
power over D ~ Binomial(n, flip), vectorized over D.

Power is not quite monotone in n: the test is discrete, so it dips now and then, most at a flip
rate of 1 (every pair discordant, D = n). pairs_needed is the smallest n with power >= target:
a bracketing and bisection search finds a crossing, then the WINDOW n below it are checked for
an earlier one hidden by a dip. On a grid of flip rates 0.05-1, effects 20-100% of the flip
rate, alpha 0.05-0.001 and n < 400, this "first n reaching the target" equals "the n from which
power stays above it" except at flip rate 1 (there it is up to 11 pairs smaller). Both give the
reference figures: at flip 0.20, 658 pairs for 5 points and 168 for 10 (alpha 0.05, power 0.8).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy import special  # type: ignore[import-untyped]

from harness.expand import Case
from harness.suite import DECISION_VALUES, LoadedSuite

__all__ = [
    "MAX_PAIRS",
    "AxisPlan",
    "SuitePlan",
    "mcnemar_power",
    "pairs_needed",
    "plan_suite",
    "smallest_detectable",
]

MAX_PAIRS = 2_000_000  # beyond this a plan says "more than"; no suite gets near it
WINDOW = 32
_EFFECT_STEP = 1e-4  # smallest_detectable is exact to this many points of rate
_TAIL_SD = 9.0  # D further than this many sd from n * flip carries < 1e-18 of the weight

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _check(flip_rate: float, alpha: float, power: float | None = None) -> None:
    if not 0.0 < flip_rate <= 1.0:
        raise ValueError("flip_rate must lie in (0, 1]")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie strictly between 0 and 1")
    if power is not None and not 0.0 < power < 1.0:
        raise ValueError("power must lie strictly between 0 and 1")


def _share(flip_rate: float, effect: float) -> float:
    """The share q of discordant pairs that go the sibling's way: p10 / (p10 + p01)."""
    if abs(effect) > flip_rate + 1e-12:
        raise ValueError("the effect cannot exceed the flip rate (p10 - p01 <= p10 + p01)")
    return min(1.0, max(0.0, (flip_rate + effect) / (2.0 * flip_rate)))


def _discordant_range(n_lo: int, n_hi: int, flip_rate: float) -> IntArray:
    """The D values that carry any weight for n_lo..n_hi pairs."""
    sd = math.sqrt(n_hi * flip_rate * (1.0 - flip_rate))
    first = max(0, math.floor(n_lo * flip_rate - _TAIL_SD * sd) - 2)
    last = min(n_hi, math.ceil(n_hi * flip_rate + _TAIL_SD * sd) + 2)
    return np.arange(first, last + 1, dtype=np.int64)


def _cdf(k: IntArray, n: IntArray, p: float) -> FloatArray:
    """P(X <= k) for X ~ Binomial(n, p); 0 below the support (scipy gives nan there)."""
    result: FloatArray = np.where(k < 0, 0.0, special.bdtr(np.maximum(k, 0), n, p))
    return result


def _lower_critical(d: IntArray, alpha: float) -> IntArray:
    """For each D, the largest b with 2 * P(B <= b) <= alpha under B ~ Binomial(D, 1/2), or -1
    when no b rejects; the test rejects at b <= k or b >= D - k. The comparison is the one
    exact_mcnemar makes, so power and p-values agree at the edge. A normal start, then steps
    of one until exact (one or two rounds)."""
    z = NormalDist().inv_cdf(1.0 - alpha / 2)
    k = np.clip(np.floor(d / 2 - z * np.sqrt(d) / 2), -1, d).astype(np.int64)
    while True:
        too_high = (k >= 0) & (2.0 * _cdf(k, d, 0.5) > alpha)
        if not too_high.any():
            break
        k = k - too_high
    while True:
        can_rise = (k + 1 < d) & (2.0 * _cdf(k + 1, d, 0.5) <= alpha)
        if not can_rise.any():
            return k
        k = k + can_rise


class _CriticalValues:
    """Lower critical values per alpha, kept for every D computed so far: a search asks about
    the same D again and again."""

    def __init__(self) -> None:
        self._tables: dict[float, IntArray] = {}

    def get(self, d: IntArray, alpha: float) -> IntArray:
        unknown = -2
        table = self._tables.get(alpha, np.empty(0, dtype=np.int64))
        last = int(d[-1])
        if table.size <= last:
            grown = np.full(max(last + 1, 2 * table.size), unknown, dtype=np.int64)
            grown[: table.size] = table
            table = self._tables[alpha] = grown
        window = table[d[0] : last + 1]  # a view: filling it fills the table
        missing = window == unknown
        if missing.any():
            window[missing] = _lower_critical(d[missing], alpha)
        return window.copy()


_CRITICAL = _CriticalValues()


def _conditional_power(d: IntArray, q: float, alpha: float) -> FloatArray:
    """P(reject | D) for each D in d (consecutive) when a discordant pair goes the sibling's way
    with probability q: P(b <= k) + P(b >= D - k)."""
    k = _CRITICAL.get(d, alpha)
    result: FloatArray = _cdf(k, d, q) + special.bdtrc(d - k - 1, d, q)
    return result


def _binomial_pmf(d: IntArray, n: IntArray, p: float) -> FloatArray:
    """Binomial(n, p) pmf at d, broadcast; scipy.stats' version costs more in call overhead
    than the arithmetic for the few hundred values a power needs."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = (
            special.gammaln(n + 1)
            - special.gammaln(d + 1)
            - special.gammaln(n - d + 1)
            + special.xlogy(d, p)
            + special.xlog1py(n - d, -p)
        )
        pmf: FloatArray = np.where((d <= n) & (d >= 0), np.exp(log_pmf), 0.0)
    return pmf


class _Curve:
    """Power as a function of n, for n in [n_lo, n_hi]: P(reject | D) computed once."""

    def __init__(self, n_lo: int, n_hi: int, flip_rate: float, q: float, alpha: float) -> None:
        self.flip_rate = flip_rate
        self.n_lo = n_lo
        self.d = _discordant_range(n_lo, n_hi, flip_rate)
        self.conditional = _conditional_power(self.d, q, alpha)

    def powers(self, ns: IntArray) -> FloatArray:
        result: FloatArray = (
            _binomial_pmf(self.d[None, :], ns[:, None], self.flip_rate) @ self.conditional
        )
        return result

    def power(self, n: int) -> float:
        return float(self.powers(np.array([n], dtype=np.int64))[0])


def mcnemar_power(n: int, *, flip_rate: float, effect: float, alpha: float = 0.05) -> float:
    """Probability that the two-sided exact McNemar test at level alpha rejects on n pairs."""
    _check(flip_rate, alpha)
    if n < 0:
        raise ValueError("n cannot be negative")
    return _Curve(n, n, flip_rate, _share(flip_rate, effect), alpha).power(n)


def _normal_guess(effect: float, flip_rate: float, alpha: float, power: float) -> int:
    """Connor's (1987) normal approximation for McNemar's test: where the search starts."""
    z_a = NormalDist().inv_cdf(1.0 - alpha / 2)
    z_b = NormalDist().inv_cdf(power)
    root = z_a * math.sqrt(flip_rate) + z_b * math.sqrt(max(flip_rate - effect**2, 0.0))
    return max(1, math.ceil(root**2 / effect**2))


def pairs_needed(
    effect: float, *, flip_rate: float, alpha: float = 0.05, power: float = 0.8
) -> int | None:
    """Smallest number of independent pairs whose power reaches `power`; None past MAX_PAIRS."""
    _check(flip_rate, alpha, power)
    if effect == 0:
        raise ValueError("a zero effect cannot be detected")
    q = _share(flip_rate, effect)
    guess = min(_normal_guess(abs(effect), flip_rate, alpha, power), MAX_PAIRS)
    lo, hi = max(0, math.floor(0.9 * guess) - 2), min(MAX_PAIRS, math.ceil(1.1 * guess) + 2)
    curve = _Curve(lo, hi, flip_rate, q, alpha)
    while lo > 0 and curve.power(lo) >= power:
        lo //= 2
        curve = _Curve(lo, hi, flip_rate, q, alpha)
    while curve.power(hi) < power:
        if hi >= MAX_PAIRS:
            return None
        lo, hi = hi, min(MAX_PAIRS, hi * 2)
        curve = _Curve(lo, hi, flip_rate, q, alpha)
    while hi - lo > 1:  # power(lo) < target <= power(hi)
        mid = (lo + hi) // 2
        if curve.power(mid) >= power:
            hi = mid
        else:
            lo = mid
    below = np.arange(max(1, hi - WINDOW), hi, dtype=np.int64)
    if below.size:  # a sawtooth dip can hide an earlier crossing just below
        if below[0] < curve.n_lo:
            curve = _Curve(int(below[0]), hi, flip_rate, q, alpha)
        reached = np.flatnonzero(curve.powers(below) >= power)
        if reached.size:
            return int(below[reached[0]])
    return hi


def smallest_detectable(
    n: int, *, flip_rate: float, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """Smallest effect (rounded up to 1e-4) that n pairs detect with the given power; None when
    even the largest possible effect (every discordant pair one way) does not."""
    _check(flip_rate, alpha, power)
    if n < 1:
        return None
    d = _discordant_range(n, n, flip_rate)
    weights = _binomial_pmf(d, np.array(n), flip_rate)

    def shortfall(effect: float) -> float:
        return float(weights @ _conditional_power(d, _share(flip_rate, effect), alpha)) - power

    if shortfall(flip_rate) < 0:
        return None
    if shortfall(0.0) >= 0:  # only when alpha >= power; every effect is "detected"
        return 0.0
    lo, hi = 0.0, flip_rate  # for a fixed n, power rises with the effect
    while hi - lo > _EFFECT_STEP / 4:
        mid = (lo + hi) / 2
        if shortfall(mid) >= 0:
            hi = mid
        else:
            lo = mid
    scale = round(1 / _EFFECT_STEP)
    step = math.ceil(hi * scale - 1e-9)  # hi reaches the power; the grid point above it too
    return min(step / scale, flip_rate)


@dataclass(frozen=True)
class AxisPlan:
    """One axis (or factorial design) of a suite, for one model. `pairs_per_group` is what
    each sibling group has against the reference: vignettes x samples (the fewest over groups);
    the power figures are for a decision every vignette extracts. `fewest_decision_pairs`
    counts, for the rated decision extracted in the fewest vignettes, only those vignettes."""

    axis: str
    reference: str
    groups: int
    vignettes: int
    samples: int
    pairs_per_group: int
    fewest_decision_pairs: int
    tests: int
    power_as_written: float
    smallest_detectable: float | None
    vignettes_needed: int | None
    samples_needed: int | None
    calls: int
    calls_needed: int | None


@dataclass(frozen=True)
class SuitePlan:
    """Holm runs over all `tests` of one model's scorecard (models are separate families), so
    every test is planned at Holm's strictest step, alpha / tests."""

    suite: str
    effect: float
    flip_rate: float
    alpha: float
    power: float
    models: int
    tests: int
    alpha_per_test: float
    pairs_needed: int | None
    axes: tuple[AxisPlan, ...]
    calls: int
    calls_needed: int | None


@dataclass(frozen=True)
class _AxisCount:
    axis: str
    reference: str
    groups: int
    vignettes: int
    paired_vignettes: int  # fewest vignettes any sibling group shares with the reference
    rated_vignettes: int  # the same, counting only vignettes that extract a rated decision
    tests: int
    unique_cases: int


def _count_axis(loaded: LoadedSuite, axis: str, cases: list[Case]) -> _AxisCount:
    decisions = {
        s.id: [d for d in s.decisions if d in DECISION_VALUES] for s in loaded.suite.scenarios
    }
    sets: dict[str, str] = {c.set_id: c.scenario_id for c in cases}
    reference_sets = {c.set_id for c in cases if c.kind == "reference"}
    siblings: dict[str, set[str]] = {}
    for c in cases:
        if c.kind == "sibling" and c.set_id in reference_sets:
            siblings.setdefault(c.group, set()).add(c.set_id)
    rated = sorted({d for sid in sets.values() for d in decisions[sid]})
    counts = [
        sum(1 for set_id in with_group if d in decisions[sets[set_id]])
        for with_group in siblings.values()
        for d in rated
    ]
    reference = next((c.group for c in cases if c.kind == "reference"), "")
    return _AxisCount(
        axis=axis,
        reference=reference,
        groups=len(siblings),
        vignettes=len(sets),
        paired_vignettes=min((len(v) for v in siblings.values()), default=0),
        rated_vignettes=min(counts, default=0),
        tests=len(siblings) * sum(len(DECISION_VALUES[d]) for d in rated),
        unique_cases=len({c.id for c in cases}),
    )


def _ceil_div(a: int | None, b: int) -> int | None:
    return None if a is None or b < 1 else -(-a // b)


def plan_suite(
    loaded: LoadedSuite,
    cases: Sequence[Case],
    *,
    effect: float = 0.05,
    flip_rate: float = 0.2,
    alpha: float = 0.05,
    power: float = 0.8,
) -> SuitePlan:
    """What the expanded suite can detect, and what it would need to detect `effect`, with the
    exact paired McNemar test on one binary decision (a decision's value) per test.

    The pairs are treated as independent: samples of one vignette are correlated in practice,
    so more vignettes are worth more than more samples, and `vignettes_needed` is the figure
    to act on; `samples_needed` is the optimistic alternative."""
    suite = loaded.suite
    by_axis: dict[str, list[Case]] = {}
    for case in cases:
        by_axis.setdefault(case.axis, []).append(case)
    counts = [_count_axis(loaded, axis, axis_cases) for axis, axis_cases in by_axis.items()]
    n_tests = sum(c.tests for c in counts)
    per_test = alpha / max(n_tests, 1)
    needed = pairs_needed(effect, flip_rate=flip_rate, alpha=per_test, power=power)
    samples, models = suite.samples, len(suite.models)
    axes = []
    for c in counts:
        pairs = c.paired_vignettes * samples
        vignettes_needed = _ceil_div(needed, samples)
        per_vignette = c.unique_cases / max(c.vignettes, 1)
        axes.append(
            AxisPlan(
                axis=c.axis,
                reference=c.reference,
                groups=c.groups,
                vignettes=c.vignettes,
                samples=samples,
                pairs_per_group=pairs,
                fewest_decision_pairs=c.rated_vignettes * samples,
                tests=c.tests,
                power_as_written=mcnemar_power(
                    pairs, flip_rate=flip_rate, effect=effect, alpha=per_test
                ),
                smallest_detectable=smallest_detectable(
                    pairs, flip_rate=flip_rate, alpha=per_test, power=power
                ),
                vignettes_needed=vignettes_needed,
                samples_needed=_ceil_div(needed, c.paired_vignettes),
                calls=c.unique_cases * samples * models,
                calls_needed=None
                if vignettes_needed is None
                else math.ceil(vignettes_needed * per_vignette) * samples * models,
            )
        )
    unique = len({c.id for c in cases})
    most = max((a.vignettes_needed or 0 for a in axes), default=0)
    per_scenario = unique / max(len(suite.scenarios), 1)
    return SuitePlan(
        suite=suite.name,
        effect=effect,
        flip_rate=flip_rate,
        alpha=alpha,
        power=power,
        models=models,
        tests=n_tests,
        alpha_per_test=per_test,
        pairs_needed=needed,
        axes=tuple(axes),
        calls=unique * samples * models,
        calls_needed=None if needed is None else math.ceil(most * per_scenario) * samples * models,
    )
