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
    """The counts are stored in the smallest integer type that holds them (one byte each for
    any realistic suite: with 100,000 sets no count reaches 20) and multiplied in chunks of
    replicates, so memory stays bounded: 2,000 x 100,000 sets is 200 MB, not 1.6 GB."""

    CHUNK = 128

    def __init__(
        self, n_sets: int, *, replicates: int = BOOTSTRAP_REPLICATES, seed: int = 0
    ) -> None:
        self.n_sets = n_sets
        rng = np.random.default_rng(seed)
        if n_sets == 0:
            self.counts: NDArray[np.integer[Any]] = np.zeros((replicates, 0), dtype=np.uint8)
            return
        chunks = []
        for start in range(0, replicates, self.CHUNK):
            size = min(self.CHUNK, replicates - start)
            drawn = rng.multinomial(n_sets, np.full(n_sets, 1.0 / n_sets), size=size)
            dtype = np.uint8 if drawn.max() <= np.iinfo(np.uint8).max else np.uint32
            chunks.append(drawn.astype(dtype))
        self.counts = (
            np.concatenate(chunks)
            if len({c.dtype for c in chunks}) == 1
            else (np.concatenate([c.astype(np.uint32) for c in chunks]))
        )

    def _weighted(self, values: FloatArray) -> FloatArray:
        parts = [
            self.counts[i : i + self.CHUNK].astype(np.float64) @ values
            for i in range(0, len(self.counts), self.CHUNK)
        ]
        return np.concatenate(parts)

    def ratio(self, num: FloatArray, den: FloatArray) -> FloatArray:
        """num, den: per set (n_sets,) or per set and group (n_sets, G)."""
        top = self._weighted(num)
        bottom = self._weighted(den)
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
