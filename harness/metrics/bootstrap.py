"""Cluster bootstrap: resample counterfactual sets (vignettes), never single answers.

Every statistic here is a ratio of per-set sums, so one matrix of resampling counts (replicates
x sets) serves them all: a replicate's value is (counts @ numerators) / (counts @ denominators).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BOOTSTRAP_REPLICATES", "Resampler", "interval"]

BOOTSTRAP_REPLICATES = 2000
FloatArray = NDArray[np.float64]


class Resampler:
    def __init__(
        self, n_sets: int, *, replicates: int = BOOTSTRAP_REPLICATES, seed: int = 0
    ) -> None:
        self.n_sets = n_sets
        rng = np.random.default_rng(seed)
        if n_sets == 0:
            self.counts: FloatArray = np.zeros((replicates, 0))
        else:
            self.counts = rng.multinomial(
                n_sets, np.full(n_sets, 1.0 / n_sets), size=replicates
            ).astype(np.float64)

    def ratio(self, num: FloatArray, den: FloatArray) -> FloatArray:
        """num, den: per set (n_sets,) or per set and group (n_sets, G)."""
        top = self.counts @ num
        bottom = self.counts @ den
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def interval(replicates: Any, level: float = 0.95) -> tuple[float | None, float | None]:
    values = np.asarray(replicates, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None, None
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
