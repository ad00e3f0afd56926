"""Answers from a recorded cassette (`replay:path/to/suite.cassette.jsonl`). Deterministic and
free, for prompt regression suites in CI. A request with no recording fails before any call,
naming the case and what in its request changed since the recording."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from harness.backends.base import Backend, Request, Response, Status
from harness.backends.cassette import CassetteEntry, describe_miss, fingerprint, read_cassette
from harness.errors import InputError

__all__ = ["ReplayBackend", "ReplayMiss"]


class ReplayMiss(Exception):
    pass


class ReplayBackend(Backend):
    name: ClassVar[str] = "replay"

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        self.path = Path(model)
        self.entries = read_cassette(self.path)
        self._by_fingerprint: dict[str, CassetteEntry] = {e.fingerprint: e for e in self.entries}
        self._digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]

    def cache_identity(self) -> dict[str, Any]:
        """A re-recorded cassette gives new keys, so stale stored answers are never served."""
        return {**super().cache_identity(), "cassette": self._digest}

    def preflight(self, requests: Iterable[Request]) -> None:
        misses = [r for r in requests if fingerprint(r) not in self._by_fingerprint]
        if misses:
            more = f" (and {len(misses) - 1} more)" if len(misses) > 1 else ""
            raise InputError(self.path, "", describe_miss(misses[0], self.entries) + more)

    async def complete(self, request: Request) -> Response:
        entry = self._by_fingerprint.get(fingerprint(request))
        if entry is None:
            raise ReplayMiss(describe_miss(request, self.entries))
        return Response(
            status=Status.ok,
            text=entry.text,
            finish_reason=entry.finish_reason,
            input_tokens=entry.input_tokens,
            output_tokens=entry.output_tokens,
            request_id=f"replay-{entry.fingerprint}",
        )

    def classify(self, exc: BaseException) -> Status:
        return Status.fatal if isinstance(exc, ReplayMiss) else Status.transient
