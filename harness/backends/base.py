"""The backend contract: one async call, request in, response out; failures are typed statuses."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable

from harness.expand import Message, canonical_json

__all__ = ["Backend", "Request", "Response", "Status", "RETRYABLE", "Warmable"]


class Status(StrEnum):
    ok = "ok"
    rate_limited = "rate_limited"
    timeout = "timeout"
    transient = "transient"  # 5xx, dropped connection: worth another try
    fatal = "fatal"  # 400/401/403/404, a missing model: retrying will not help


RETRYABLE = frozenset({Status.rate_limited, Status.timeout, Status.transient})


@dataclass(frozen=True)
class Request:
    messages: tuple[Message, ...]
    model: str
    temperature: float
    max_tokens: int
    sample: int = 0
    seed: int | None = None
    top_p: float | None = None
    repeat_penalty: float | None = None
    response_schema: Mapping[str, Any] | None = None
    # Where the request comes from (scenario_id, groups, gold, case_id). Not sent to vendors and
    # not in the cache key: the messages already fix it. The sim backend answers from it.
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def cache_key(self, identity: Mapping[str, Any]) -> str:
        """Hash of all that fixes the output; timeouts and retries are not in it, keys never."""
        payload = {
            **identity,
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "sample": self.sample,
            "seed": self.seed,
            "top_p": self.top_p,
            "repeat_penalty": self.repeat_penalty,
            "response_schema": self.response_schema,
            "messages": self.chat_messages(),
        }
        return hashlib.sha256(canonical_json(payload).encode()).hexdigest()

    def optional_params(self) -> dict[str, float | int]:
        """The sampling parameters that were set; unset ones keep the backend's default."""
        params = {"seed": self.seed, "top_p": self.top_p, "repeat_penalty": self.repeat_penalty}
        return {k: v for k, v in params.items() if v is not None}

    def chat_messages(self) -> list[dict[str, str]]:
        return [m.as_dict() for m in self.messages]


@dataclass(frozen=True)
class Response:
    status: Status
    text: str = ""
    finish_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_s: float = 0.0
    request_id: str | None = None
    error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Warmable(Protocol):
    """A part of a backend made lazily (an SDK client, say) that can be made ahead of use."""

    def warm(self) -> None: ...


class Backend(ABC):
    """Subclasses implement `complete`; the hooks have defaults that suit most HTTP vendors."""

    name: ClassVar[str]
    max_concurrency: ClassVar[int] = 1024
    output_options: ClassVar[frozenset[str]] = frozenset()  # spec options that change answers
    # Its calls may be split over forked worker processes (harness/run/shards.py): independent
    # HTTP calls whose client can be made before the fork and used in the child. Not for a
    # backend holding a model in memory (local) or a process-wide record (sim, replay).
    shardable: ClassVar[bool] = False

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        self.model = model
        self.endpoint = endpoint
        self.options = dict(options)

    def cache_identity(self) -> dict[str, Any]:
        options = {k: v for k, v in sorted(self.options.items()) if k in self.output_options}
        return {"backend": self.name, "endpoint": self.endpoint, "options": options}

    @abstractmethod
    async def complete(self, request: Request) -> Response: ...

    def classify(self, exc: BaseException) -> Status:
        """Which status an exception from the SDK means; unknown exceptions are transient."""
        return Status.transient

    def warm(self) -> None:
        """Import the SDK and build the client before the timed request phase (and before
        worker processes fork), outside any event loop. By default, warms every attribute
        that can be warmed (an sdk_common.LazyClient)."""
        for part in vars(self).values():
            if isinstance(part, Warmable):
                part.warm()

    def preflight(self, requests: Iterable[Request]) -> None:  # noqa: B027 - optional hook
        """Refuse a run before any call (a replay with no recording for a request, say). The
        requests are built lazily: a backend that does not look at them costs nothing."""

    def retry_after(self, exc: BaseException) -> float | None:
        """Seconds the provider asked us to wait (a Retry-After header), if it said."""
        return None

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release clients and models."""
