"""Anthropic's Messages API through the official `anthropic` SDK (`AsyncAnthropic`, no SDK
retries: the runner retries). `@url` replaces the API's base URL (a gateway, or a loopback fake).

Options after `?`: `api_key_env` (default ANTHROPIC_API_KEY; with a loopback endpoint and no key
set, a dummy key is sent), `timeout` (seconds, default 60), `transport` (`aiohttp` when installed,
the SDK's vendored aiohttp client, about half the CPU per call of its default httpx2 client,
measured; see transport.py), `response_format`:

- `tool` (the default): a structured answer is asked for as a call to one tool,
  `clinical_answer`, whose `input_schema` is the request's JSON schema, with `tool_choice`
  forcing that tool. The tool input comes back as a JSON object and is returned as JSON text, so
  the extractors read it like any other structured answer. Every Claude model with tool use
  supports it, and the schema travels as data, not as prose in the prompt, so the prompt (and the
  cache key, which holds the schema) stays exactly the request.
- `json_schema`: the API's own structured outputs (`output_config.format`), for the models that
  have it.
- `none`: the schema is not sent; the answer is prose (the extractors still read a JSON tail).

The system prompt goes in the top-level `system` field; the API rejects a "system" role inside
`messages`. No sampling parameter is sent: API version 2026-10-21, which the SDK (2.x) sends,
rejects `temperature`, `top_p` and `top_k` on every model, even at their defaults, and the SDK
no longer takes them; `seed` and `repeat_penalty` have no Anthropic equivalent. Answers therefore
use the model's own sampling whatever the suite says (the suite's values still enter the cache
key), and the noise floor is measured, as always, by repeated samples and null perturbations.
`stop_reason` is mapped to the harness's finish reasons: end_turn and stop_sequence (and tool_use
for the forced answer tool) are "stop", max_tokens and model_context_window_exceeded are
"length", refusal stays "refusal": a refusal is an answer with status ok, which the detectors count
as a refusal, never an error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from harness.backends.base import Backend, Request, Response, Status
from harness.backends.sdk_common import LazyClient, api_key, choice, header_retry_after, timeout

__all__ = ["AnthropicBackend"]

_FORMATS = ("tool", "json_schema", "none")
TOOL_NAME = "clinical_answer"
_TOOL_DESCRIPTION = "Give the answer to the clinical question in this exact structure."
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "refusal",
}


class AnthropicBackend(Backend):
    name: ClassVar[str] = "anthropic"
    output_options: ClassVar[frozenset[str]] = frozenset({"response_format"})
    shardable: ClassVar[bool] = True

    def __init__(self, model: str, endpoint: str | None, options: Mapping[str, str]) -> None:
        super().__init__(model, endpoint, options)
        key = api_key(
            options,
            default_env="ANTHROPIC_API_KEY",
            spec=f"anthropic:{model}",
            endpoint=endpoint,
            any_endpoint=False,
        )
        self.response_format = choice(options, "response_format", _FORMATS)
        self._client = LazyClient(
            "anthropic",
            "AsyncAnthropic",
            options,
            api_key=key,
            base_url=endpoint,
            timeout=timeout(options),
            max_retries=0,
        )
        self.transport = self._client.transport

    def _get_client(self) -> Any:
        return self._client.get()

    def _params(self, request: Request) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [m.as_dict() for m in request.messages if m.role != "system"],
        }
        if system:
            kwargs["system"] = system
        schema = request.response_schema
        if schema is not None and self.response_format == "tool":
            kwargs["tools"] = [
                {"name": TOOL_NAME, "description": _TOOL_DESCRIPTION, "input_schema": dict(schema)}
            ]
            kwargs["tool_choice"] = {"type": "tool", "name": TOOL_NAME}
        elif schema is not None and self.response_format == "json_schema":
            kwargs["output_config"] = {"format": {"type": "json_schema", "schema": dict(schema)}}
        return kwargs

    async def complete(self, request: Request) -> Response:
        client = self._get_client()
        start = time.perf_counter()
        message = await client.messages.create(**self._params(request))
        latency = time.perf_counter() - start
        texts: list[str] = []
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL_NAME:
                texts = [json.dumps(block.input, ensure_ascii=False)]
                break
            if block.type == "text":
                texts.append(block.text)
        stop = message.stop_reason
        usage = message.usage
        return Response(
            status=Status.ok,
            text="".join(texts),
            finish_reason=_FINISH.get(stop, stop) if stop is not None else None,
            input_tokens=usage.input_tokens if usage else None,
            output_tokens=usage.output_tokens if usage else None,
            latency_s=latency,
            request_id=getattr(message, "_request_id", None) or message.id,
        )

    def classify(self, exc: BaseException) -> Status:
        import anthropic

        if isinstance(exc, anthropic.RateLimitError):
            return Status.rate_limited
        if isinstance(exc, anthropic.APITimeoutError):
            return Status.timeout
        if isinstance(exc, anthropic.APIConnectionError | anthropic.InternalServerError):
            return Status.transient  # includes 529 overloaded_error
        if isinstance(exc, anthropic.APIStatusError):
            return (
                Status.transient
                if exc.status_code >= 500 or exc.status_code == 408
                else Status.fatal
            )
        return Status.transient  # a truncated or undecodable body, say: worth another try

    def retry_after(self, exc: BaseException) -> float | None:
        response = getattr(exc, "response", None)
        return header_retry_after(getattr(response, "headers", None))

    async def aclose(self) -> None:
        await self._client.aclose()
