"""OpenAI Chat Completions on loopback: `POST /v1/chat/completions`, OpenAI's request checks,
response shape and error bodies ({"error": {"message", "type", "param", "code"}})."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from fakes.server import BadRequest, FakeServer, Received, message_text, words

__all__ = ["OpenAIFake"]

_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_FORMATS = frozenset({"text", "json_object", "json_schema"})
_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bad(message: str, status: int = 400) -> BadRequest:
    return BadRequest(status, "invalid_request_error", message)


class OpenAIFake(FakeServer):
    """`with OpenAIFake(delay_s=0.1) as fake:` then point a client at `fake.base_url + "/v1"`."""

    path: ClassVar[str] = "/v1/chat/completions"

    def validate(self, headers: Mapping[str, str], body: Any) -> Received:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise _bad("You didn't provide an API key.", 401)
        if not isinstance(body, dict):
            raise _bad("We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _bad("you must provide a model parameter")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _bad("'messages' must be a non-empty array")
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in _ROLES:
                raise _bad(f"Invalid value for 'messages[{i}].role'")
            content = message.get("content")
            if not (isinstance(content, str | list) or (content is None and i > 0)):
                raise _bad(f"Invalid type for 'messages[{i}].content'")
        for key in ("max_tokens", "max_completion_tokens"):
            if key in body and body[key] is not None and not (_is_int(body[key]) and body[key] > 0):
                raise _bad(f"Invalid '{key}': integer below minimum value")
        temperature = body.get("temperature")
        if temperature is not None and not (_is_number(temperature) and 0 <= temperature <= 2):
            raise _bad("Invalid 'temperature': must be a number between 0 and 2")
        top_p = body.get("top_p")
        if top_p is not None and not (_is_number(top_p) and 0 <= top_p <= 1):
            raise _bad("Invalid 'top_p': must be a number between 0 and 1")
        if body.get("stream"):
            raise _bad("this fake does not stream")
        return Received(self.path, headers, body, schema=self._schema(body.get("response_format")))

    def _schema(self, response_format: Any) -> Mapping[str, Any] | None:
        if response_format is None:
            return None
        if not isinstance(response_format, dict) or response_format.get("type") not in _FORMATS:
            raise _bad("Invalid 'response_format.type'")
        if response_format["type"] == "json_schema":
            spec = response_format.get("json_schema")
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
                raise _bad("Missing required parameter: 'response_format.json_schema.name'")
            schema = spec.get("schema")
            return schema if isinstance(schema, dict) else {"type": "object"}
        if response_format["type"] == "json_object":
            schema = response_format.get("schema")  # llama.cpp's server form
            return schema if isinstance(schema, dict) else {"type": "object"}
        return None

    def error_body(self, status: int, kind: str | None, message: str) -> dict[str, Any]:
        default_type, code = _ERRORS.get(status, ("server_error", None))
        return {
            "error": {"message": message, "type": kind or default_type, "param": None, "code": code}
        }

    def answer_body(self, received: Received, text: str | None, stop: str) -> dict[str, Any]:
        body = received.body
        prompt = " ".join(message_text(m.get("content")) for m in body["messages"])
        finish = "content_filter" if stop == "filter" else "stop"
        return {
            "id": f"chatcmpl-{self._next_id()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": words(prompt),
                "completion_tokens": words(text or ""),
                "total_tokens": words(prompt) + words(text or ""),
            },
        }

    def request_id_header(self) -> str:
        return "x-request-id"
