"""Chat Completions through the official OpenAI SDK: OpenAI itself, Azure OpenAI, or any
OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio) given as `@url`.

Options after `?`: `api_key_env` (default OPENAI_API_KEY), `timeout` (seconds, default 60),
`response_format` (`json_schema`, the OpenAI form and the default; `json_object`, the form
llama-cpp-python's server takes, with the schema inside; `none`), `transport` (`aiohttp`,
`httpx2`, `httpx`; see transport.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from harness.backends.anthropic import header_retry_after
from harness.backends.base import Backend, Request, Response, Status
from harness.backends.transport import dropped_connection, http_client, pick_transport
from harness.errors import InputError

__all__ = ["OpenAIBackend"]

_FORMATS = ("json_schema", "json_object", "none")


class OpenAIBackend(Backend):
    name: ClassVar[str] = "openai"
    output_options: ClassVar[frozenset[str]] = frozenset({"response_format"})

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        key_env = options.get("api_key_env", "OPENAI_API_KEY")
        api_key = os.environ.get(key_env)
        if not api_key:
            if endpoint is None:
                raise InputError(
                    "--model",
                    f"openai:{model}",
                    f"set the API key in the environment variable {key_env}",
                )
            api_key = "not-needed"  # local OpenAI-compatible servers ignore the key
        self.response_format = options.get("response_format", "json_schema")
        if self.response_format not in _FORMATS:
            raise InputError(
                "--model",
                f"response_format={self.response_format}",
                f"must be one of {', '.join(_FORMATS)}",
            )
        try:
            timeout = float(options.get("timeout", "60"))
        except ValueError:
            raise InputError(
                "--model", f"timeout={options['timeout']}", "must be a number"
            ) from None
        self._client_args: dict[str, Any] = {
            "api_key": api_key,
            "base_url": endpoint,
            "timeout": timeout,
            "max_retries": 0,
        }
        self._client: Any = None
        self.transport = pick_transport(options)

    def _get_client(self) -> Any:
        """Made on first use, inside the event loop that will use it."""
        if self._client is None:
            import openai

            client = http_client(openai, self.transport)
            extra = {} if client is None else {"http_client": client}
            self._client = openai.AsyncOpenAI(**self._client_args, **extra)
        return self._client

    def _format(self, schema: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.response_format == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": "clinical_answer", "schema": dict(schema), "strict": True},
            }
        if self.response_format == "json_object":
            return {"type": "json_object", "schema": dict(schema)}
        return None

    async def complete(self, request: Request) -> Response:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request.chat_messages(),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            **request.optional_params(),  # repeat_penalty: not OpenAI's, llama.cpp and vLLM's
        }
        if request.response_schema is not None:
            fmt = self._format(request.response_schema)
            if fmt is not None:
                body["response_format"] = fmt
        start = time.perf_counter()
        # The SDK's own client (auth, base URL, typed errors), without its typed request
        # transform and response models: 1.15 ms of CPU per call against 1.9-2.3 ms (measured,
        # 1,000 calls on loopback), and the JSON schema is sent exactly as written.
        import httpx2  # the SDK's HTTP library; a raw response keeps the request-id header

        raw = await self._get_client().post("/chat/completions", body=body, cast_to=httpx2.Response)
        latency = time.perf_counter() - start
        return _response(raw.json(), latency, raw.headers.get("x-request-id"))

    def classify(self, exc: BaseException) -> Status:
        import openai

        if isinstance(exc, openai.RateLimitError):
            return Status.rate_limited
        if isinstance(exc, openai.APITimeoutError):
            # httpx-aiohttp reports aiohttp's ServerDisconnectedError as a connect timeout
            return Status.transient if dropped_connection(exc) else Status.timeout
        if isinstance(exc, openai.APIConnectionError | openai.InternalServerError):
            return Status.transient
        if isinstance(exc, openai.APIStatusError):
            return (
                Status.transient
                if exc.status_code >= 500 or exc.status_code == 408
                else Status.fatal
            )
        return Status.transient

    def retry_after(self, exc: BaseException) -> float | None:
        """openai.APIStatusError keeps the HTTP response: its Retry-After header, if any."""
        response = getattr(exc, "response", None)
        return header_retry_after(getattr(response, "headers", None))

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()


def _response(data: Any, latency: float, request_id: str | None) -> Response:
    """Chat Completions JSON -> Response; a body of another shape is a transient failure."""
    try:
        choice = data["choices"][0]
        usage = data.get("usage") or {}
        return Response(
            status=Status.ok,
            text=(choice.get("message") or {}).get("content") or "",
            finish_reason=choice.get("finish_reason"),
            input_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
            latency_s=latency,
            request_id=request_id or data.get("id"),
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a Chat Completions response: {exc!r}") from None
