"""Token buckets for requests and tokens per minute, and the spending budget."""

from __future__ import annotations

import asyncio
import time

__all__ = ["Budget", "TokenBucket"]


class TokenBucket:
    """Holds up to `per_minute` units and refills continuously; `take` waits for room. A single
    take larger than the bucket is let through when the bucket is full, so it cannot block."""

    def __init__(self, per_minute: float) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._level = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._level = min(self.capacity, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    async def take(self, amount: float = 1.0) -> None:
        async with self._lock:
            need = min(amount, self.capacity)
            while True:
                self._refill()
                if self._level >= need:
                    self._level -= amount
                    return
                await asyncio.sleep((need - self._level) / self.rate)


class Budget:
    """Money for calls: each call reserves its worst case before it is sent and settles at its
    real cost, so the total never passes the limit even with many calls in flight."""

    def __init__(self, limit_usd: float | None) -> None:
        self.limit = limit_usd
        self.spent = 0.0
        self._reserved = 0.0
        self.exhausted = False
        self.unsent = 0

    def reserve(self, worst_case: float) -> bool:
        if self.limit is not None and self.spent + self._reserved + worst_case > self.limit:
            self.exhausted = True
            return False
        self._reserved += worst_case
        return True

    def settle(self, reserved: float, actual: float) -> None:
        self._reserved -= reserved
        self.spent += actual
