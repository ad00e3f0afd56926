"""The long tail of providers through `litellm.acompletion`: the model string is litellm's own
(`litellm:openai/gpt-4o-mini`, `litellm:bedrock/...`, `litellm:ollama/llama3`), `@url` becomes
`api_base`. litellm's retries are off (`num_retries=0`): the runner retries.

Options after `?`: `api_key_env` (the variable holding the key; without it litellm reads the
provider's usual variable, and a loopback endpoint gets a dummy key, which local servers ignore),
`timeout` (seconds, default 60), `response_format` (`json_schema`, the default, or `none`).

Parameters a provider does not take (a seed, say) are dropped by litellm (`drop_params=True`)
rather than failing every call; they stay in the cache key. litellm is imported when the backend
is made (before the run, never at `harness --help`): the import takes seconds and would stall the
event loop mid-run. It is pointed first at its bundled model cost map
(LITELLM_LOCAL_MODEL_COST_MAP), since importing it must not reach the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from harness.backends.base import Backend, Request, Response, Status
from harness.backends.sdk_common import header_retry_after
from harness.errors import InputError

__all__ = ["LiteLLMBackend"]

_FORMATS = ("json_schema", "none")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_DRAIN_S = 5.0  # at most this long for litellm's queued logging coroutines at close


def _litellm() -> Any:
    """litellm, imported once, offline, quiet."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" banners on errors
    litellm.telemetry = False
    return litellm


class LiteLLMBackend(Backend):
    name: ClassVar[str] = "litellm"
    output_options: ClassVar[frozenset[str]] = frozenset({"response_format"})
    shardable: ClassVar[bool] = True

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        self.api_key: str | None = None
        key_env = options.get("api_key_env")
        if key_env is not None:
            self.api_key = os.environ.get(key_env)
            if not self.api_key:
                raise InputError(
                    "--model",
                    f"litellm:{model}",
                    f"set the API key in the environment variable {key_env}",
                )
        elif endpoint is not None and (urlsplit(endpoint).hostname or "") in _LOOPBACK:
            self.api_key = "not-needed"
        self.response_format = options.get("response_format", "json_schema")
        if self.response_format not in _FORMATS:
            raise InputError(
                "--model",
                f"response_format={self.response_format}",
                f"must be one of {', '.join(_FORMATS)}",
            )
        try:
            self.timeout = float(options.get("timeout", "60"))
        except ValueError:
            raise InputError(
                "--model", f"timeout={options['timeout']}", "must be a number"
            ) from None
        self._litellm = _litellm()

    def _params(self, request: Request) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": request.chat_messages(),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "timeout": self.timeout,
            "num_retries": 0,
            "max_retries": 0,
            "drop_params": True,
            **request.optional_params(),
        }
        if "repeat_penalty" in kwargs:  # llama.cpp and vLLM read it from the body
            kwargs["extra_body"] = {"repeat_penalty": kwargs.pop("repeat_penalty")}
        if self.endpoint is not None:
            kwargs["api_base"] = self.endpoint
        if self.api_key is not None:
            kwargs["api_key"] = self.api_key
        if request.response_schema is not None and self.response_format == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "clinical_answer",
                    "schema": dict(request.response_schema),
                    "strict": True,
                },
            }
        return kwargs

    async def complete(self, request: Request) -> Response:
        start = time.perf_counter()
        result = await self._litellm.acompletion(**self._params(request))
        latency = time.perf_counter() - start
        choice = result.choices[0]
        usage = getattr(result, "usage", None)
        hidden: Mapping[str, Any] = getattr(result, "_hidden_params", None) or {}
        headers: Mapping[str, Any] = hidden.get("additional_headers") or {}
        request_id = headers.get("llm_provider-x-request-id") or headers.get(
            "llm_provider-request-id"
        )
        return Response(
            status=Status.ok,
            text=choice.message.content or "",
            finish_reason=choice.finish_reason,
            input_tokens=getattr(usage, "prompt_tokens", None),
            output_tokens=getattr(usage, "completion_tokens", None),
            latency_s=latency,
            request_id=request_id or result.id,
        )

    def classify(self, exc: BaseException) -> Status:
        litellm = self._litellm
        if isinstance(exc, litellm.RateLimitError):
            return Status.rate_limited
        if isinstance(exc, litellm.Timeout):
            return Status.timeout
        if isinstance(
            exc,
            litellm.APIConnectionError
            | litellm.ServiceUnavailableError
            | litellm.InternalServerError
            | litellm.BadGatewayError,
        ):
            return Status.transient
        if isinstance(
            exc,
            litellm.BadRequestError
            | litellm.AuthenticationError
            | litellm.NotFoundError
            | litellm.PermissionDeniedError
            | litellm.UnprocessableEntityError,
        ):
            return Status.fatal
        status = getattr(exc, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and status not in (408, 429):
            return Status.fatal
        return Status.transient

    def retry_after(self, exc: BaseException) -> float | None:
        seconds = header_retry_after(getattr(exc, "litellm_response_headers", None))
        if seconds is None:
            response = getattr(exc, "response", None)
            seconds = header_retry_after(getattr(response, "headers", None))
        return seconds

    async def aclose(self) -> None:
        """litellm queues a logging coroutine per call for a worker task and keeps its HTTP
        clients in a process-wide cache: drain the one and close the other in this loop, or
        the loop ends with coroutines never awaited and sessions unclosed."""
        if "litellm" not in sys.modules:
            return
        from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER
        from litellm.llms.custom_httpx import async_client_cleanup

        # TimeoutError: a stuck logger; RuntimeError: a queue that belongs to another loop
        with contextlib.suppress(TimeoutError, RuntimeError):
            await asyncio.wait_for(GLOBAL_LOGGING_WORKER.flush(), _DRAIN_S)
        await GLOBAL_LOGGING_WORKER.stop()
        close: Callable[[], Awaitable[None]] = async_client_cleanup.close_litellm_async_clients
        await close()
