"""The real SmolLM2 model: in process through llama-cpp-python, and through the OpenAI SDK
against llama-cpp-python's own server on loopback."""

from __future__ import annotations

import asyncio
import json

import pytest

from harness.backends import Backend, Request, Response, Status, create_backend, parse_spec
from harness.expand import Message

QUESTION = (
    Message("system", "You are a clinical assistant. Answer briefly."),
    Message("user", "A 60-year-old man has crushing chest pain. What should he do?"),
)
SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "maxLength": 60},
        "triage": {"type": "string", "enum": ["emergency", "urgent", "routine", "self_care"]},
    },
    "required": ["answer", "triage"],
    "additionalProperties": False,
}


def _ask(backend: Backend, **params: object) -> Response:
    """One call in its own event loop, closing the backend's clients in that loop."""
    request = Request(messages=QUESTION, model=backend.model, **params)  # type: ignore[arg-type]

    async def call() -> Response:
        try:
            return await backend.complete(request)
        finally:
            if backend.name != "local":
                await backend.aclose()

    return asyncio.run(call())


@pytest.fixture(scope="module")
def local() -> Backend:
    return create_backend(parse_spec("local:smollm2"))


def test_local_greedy_answers_repeat(local: Backend) -> None:
    first = _ask(local, temperature=0.0, max_tokens=24)
    second = _ask(local, temperature=0.0, max_tokens=24)
    assert first.status is Status.ok and first.text.strip()
    assert first.text == second.text
    assert first.output_tokens is not None and 0 < first.output_tokens <= 24


def test_local_seeded_sampling_repeats_and_seeds_differ(local: Backend) -> None:
    a = _ask(local, temperature=1.0, max_tokens=24, seed=11)
    b = _ask(local, temperature=1.0, max_tokens=24, seed=11)
    others = {_ask(local, temperature=1.0, max_tokens=24, seed=s).text for s in (12, 13, 14)}
    assert a.text == b.text
    assert others - {a.text}


def test_local_schema_forces_json(local: Backend) -> None:
    response = _ask(local, temperature=0.0, max_tokens=64, response_schema=SCHEMA)
    data = json.loads(response.text)
    assert set(data) == {"answer", "triage"}
    assert data["triage"] in SCHEMA["properties"]["triage"]["enum"]  # type: ignore[index]
    assert len(data["answer"]) <= 60


def test_openai_sdk_against_llama_server_matches_in_process(
    local: Backend, llama_server: str
) -> None:
    remote = create_backend(
        parse_spec(f"openai:smollm2@{llama_server}?response_format=json_object")
    )
    params = {
        "temperature": 0.0,
        "max_tokens": 48,
        "repeat_penalty": 1.1,
        "response_schema": SCHEMA,
    }
    over_http = _ask(remote, **params)
    in_process = _ask(local, **params)
    assert over_http.status is Status.ok, over_http.error
    assert over_http.request_id
    assert over_http.input_tokens and over_http.output_tokens
    assert json.loads(over_http.text)["triage"] in ("emergency", "urgent", "routine", "self_care")
    assert over_http.text == in_process.text


def test_openai_errors_become_typed_statuses(llama_server: str) -> None:
    # A wrong base path: the server answers 404, which no retry can fix.
    remote = create_backend(
        parse_spec(f"openai:smollm2@{llama_server.removesuffix('/v1')}/nope/v1")
    )
    bad = Request(messages=QUESTION, model="smollm2", temperature=0.0, max_tokens=8)

    async def call() -> BaseException | None:
        try:
            await remote.complete(bad)
        except Exception as caught:  # noqa: BLE001
            return caught
        finally:
            await remote.aclose()
        return None

    exc = asyncio.run(call())
    assert exc is not None
    assert remote.classify(exc) is Status.fatal
