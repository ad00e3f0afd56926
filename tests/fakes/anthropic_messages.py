"""Anthropic Messages on loopback: `POST /v1/messages`, the API's header and body checks (a
"system" role inside `messages` is a 400, as the real API answers), its response shape, and its
error bodies ({"type": "error", "error": {"type", "message"}})."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from fakes.server import BadRequest, FakeServer, Received, message_text, words

__all__ = ["AnthropicFake"]

_FIELDS = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "system",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "stream",
        "metadata",
        "tools",
        "tool_choice",
        "output_config",
        "thinking",
        "service_tier",
    }
)
_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}
# From this API version (the one anthropic SDK 2.x sends), temperature, top_p and top_k are
# rejected on every model; 2023-06-01 still takes them.
NO_SAMPLING_VERSION = "2026-10-21"
SYSTEM_ROLE_MESSAGE = (
    'messages: Unexpected role "system". The Messages API accepts a top-level `system` '
    'parameter, not "system" as an input message role.'
)


def _bad(message: str, status: int = 400) -> BadRequest:
    return BadRequest(status, _ERRORS.get(status, "invalid_request_error"), message)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class AnthropicFake(FakeServer):
    """`with AnthropicFake() as fake:` then `AsyncAnthropic(base_url=fake.base_url)`."""

    path: ClassVar[str] = "/v1/messages"

    def validate(self, headers: Mapping[str, str], body: Any) -> Received:
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not headers.get("x-api-key") and not bearer:
            raise _bad("x-api-key header is required", 401)  # SDK 2.x sends Authorization
        version = headers.get("anthropic-version")
        if not version:
            raise _bad("anthropic-version: header is required")
        if not isinstance(body, dict):
            raise _bad("There was an issue with your request body: not a JSON object")
        extra = sorted(set(body) - _FIELDS)
        if extra:
            raise _bad(f"{extra[0]}: Extra inputs are not permitted")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _bad("model: Field required")
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            raise _bad("max_tokens: Field required")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise _bad("max_tokens: Input should be greater than or equal to 1")
        self._check_messages(body.get("messages"))
        system = body.get("system")
        if system is not None and not isinstance(system, str | list):
            raise _bad("system: Input should be a valid string")
        for key, high in (("temperature", 1.0), ("top_p", 1.0), ("top_k", 1e9)):
            if key not in body:
                continue
            if version >= NO_SAMPLING_VERSION:
                raise _bad(f"{key}: Extra inputs are not permitted")
            value = body[key]
            if not (_is_number(value) and 0 <= value <= high):
                raise _bad(f"{key}: range: 0..{high:g}")
        if body.get("stream"):
            raise _bad("stream: this fake does not stream")
        tool = self._forced_tool(body)
        return Received(self.path, headers, body, schema=self._schema(body, tool), forced_tool=tool)

    def _check_messages(self, messages: Any) -> None:
        if not isinstance(messages, list) or not messages:
            raise _bad("messages: Field required")
        for i, message in enumerate(messages):
            if not isinstance(message, dict):
                raise _bad(f"messages.{i}: Input should be a valid dictionary")
            role = message.get("role")
            if role == "system":
                raise _bad(SYSTEM_ROLE_MESSAGE)
            if role not in ("user", "assistant"):
                raise _bad(f"messages.{i}.role: Input should be 'user' or 'assistant'")
            if not isinstance(message.get("content"), str | list):
                raise _bad(f"messages.{i}.content: Field required")

    def _forced_tool(self, body: Mapping[str, Any]) -> str | None:
        tools = body.get("tools")
        names: set[str] = set()
        if tools is not None:
            if not isinstance(tools, list):
                raise _bad("tools: Input should be a valid list")
            for i, tool in enumerate(tools):
                if not (
                    isinstance(tool, dict)
                    and isinstance(tool.get("name"), str)
                    and isinstance(tool.get("input_schema"), dict)
                    and tool["input_schema"].get("type") == "object"
                ):
                    raise _bad(f"tools.{i}: a tool needs a name and an object input_schema")
                names.add(tool["name"])
        choice = body.get("tool_choice")
        if choice is None:
            return None
        if not isinstance(choice, dict) or choice.get("type") not in (
            "auto",
            "any",
            "tool",
            "none",
        ):
            raise _bad("tool_choice: Input tag does not match any of the expected tags")
        if choice["type"] != "tool":
            return None
        name = choice.get("name")
        if name not in names:
            raise _bad(f"tool_choice: tool {name!r} is not among the tools")
        return str(name)

    def _schema(self, body: Mapping[str, Any], tool: str | None) -> Mapping[str, Any] | None:
        if tool is not None:
            for spec in body["tools"]:
                if spec["name"] == tool:
                    schema: Mapping[str, Any] = spec["input_schema"]
                    return schema
        config = body.get("output_config")
        if isinstance(config, dict) and isinstance(config.get("format"), dict):
            fmt = config["format"]
            if fmt.get("type") != "json_schema" or not isinstance(fmt.get("schema"), dict):
                raise _bad("output_config.format: needs type json_schema and a schema")
            found: Mapping[str, Any] = fmt["schema"]
            return found
        return None

    def error_body(self, status: int, kind: str | None, message: str) -> dict[str, Any]:
        default_kind = _ERRORS.get(status, "api_error")
        return {"type": "error", "error": {"type": kind or default_kind, "message": message}}

    def answer_body(self, received: Received, text: str | None, stop: str) -> dict[str, Any]:
        body = received.body
        prompt = " ".join(
            [message_text(body.get("system"))]
            + [message_text(m.get("content")) for m in body["messages"]]
        )
        content: list[dict[str, Any]] = []
        stop_reason = "refusal" if stop == "filter" else "end_turn"
        if text and received.forced_tool is not None:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
            content.append(
                {
                    "type": "tool_use",
                    "id": f"toolu_{self._next_id()}",
                    "name": received.forced_tool,
                    "input": data if isinstance(data, dict) else {"answer": text},
                }
            )
            stop_reason = "tool_use"
        elif text:
            content.append({"type": "text", "text": text})
        return {
            "id": f"msg_{self._next_id()}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": words(prompt), "output_tokens": words(text or "")},
        }

    def request_id_header(self) -> str:
        return "request-id"
