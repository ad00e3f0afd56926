"""The openai, anthropic and litellm backends through the real registry, the real SDKs and real
HTTP, against loopback servers that speak each vendor's wire format (tests/fakes/): answers,
what went over the wire, every scripted fault's status, and whole runs counted server-side."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fakes import (
    DROPPED,
    SYSTEM_ROLE_MESSAGE,
    AnthropicFake,
    FakeServer,
    Fault,
    OpenAIFake,
    Received,
    default_answer,
)

from harness.backends import (
    Backend,
    Request,
    Response,
    Status,
    create_backend,
    parse_spec,
)
from harness.expand import Message

TINY_SUITE = Path(__file__).parents[1] / "data" / "tiny" / "tiny.yaml"
SYSTEM = "You are a clinical assistant. Answer briefly."
QUESTION = (
    Message("system", SYSTEM),
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
VENDORS = ("openai", "anthropic", "litellm")


@pytest.fixture(scope="module")
def openai_fake() -> Iterator[OpenAIFake]:
    with OpenAIFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def anthropic_fake() -> Iterator[AnthropicFake]:
    with AnthropicFake() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fresh_fakes(openai_fake: OpenAIFake, anthropic_fake: AnthropicFake) -> None:
    """Module-scoped servers, per-test scripts and counts."""
    for fake in (openai_fake, anthropic_fake):
        fake.reset()
        fake.delay_s = 0.0


def _spec(vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake) -> str:
    if vendor == "openai":
        return f"openai:gpt-fake@{openai_fake.base_url}/v1"
    if vendor == "anthropic":
        return f"anthropic:claude-fake@{anthropic_fake.base_url}"
    return f"litellm:openai/gpt-fake@{openai_fake.base_url}/v1"


def _fake_for(vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake) -> FakeServer:
    return anthropic_fake if vendor == "anthropic" else openai_fake


def _call(backend: Backend, **params: Any) -> tuple[Response | None, BaseException | None]:
    """One `complete` in its own event loop; the backend's clients are closed in that loop."""
    defaults: dict[str, Any] = {"temperature": 0.0, "max_tokens": 64}
    request = Request(messages=QUESTION, model=backend.model, **{**defaults, **params})

    async def call() -> tuple[Response | None, BaseException | None]:
        try:
            return await backend.complete(request), None
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            return None, exc
        finally:
            await backend.aclose()

    return asyncio.run(call())


@pytest.mark.parametrize("vendor", VENDORS)
def test_normal_call_returns_text_usage_id_and_finish_reason(
    vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    backend = create_backend(parse_spec(_spec(vendor, openai_fake, anthropic_fake)))
    response, exc = _call(backend)
    assert exc is None, exc
    assert response is not None and response.status is Status.ok
    assert response.text.startswith("Go to the emergency department now.")
    assert response.finish_reason == "stop"
    assert response.input_tokens and response.output_tokens
    assert response.request_id and response.request_id.startswith("req_")
    assert response.latency_s > 0
    assert _fake_for(vendor, openai_fake, anthropic_fake).statuses == {200: 1}


@pytest.mark.parametrize("vendor", VENDORS)
def test_schema_gives_a_json_answer(
    vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    backend = create_backend(parse_spec(_spec(vendor, openai_fake, anthropic_fake)))
    response, exc = _call(backend, response_schema=SCHEMA)
    assert exc is None, exc
    assert response is not None and response.finish_reason == "stop"
    answer = json.loads(response.text)
    assert set(answer) == {"answer", "triage"} and answer["triage"] == "emergency"
    assert answer["answer"].startswith("Go to the emergency department now.")
    sent = _fake_for(vendor, openai_fake, anthropic_fake).received[-1]
    assert sent.schema == SCHEMA


def test_anthropic_request_has_top_level_system_and_no_sampling_parameters(
    anthropic_fake: AnthropicFake,
) -> None:
    backend = create_backend(parse_spec(f"anthropic:claude-fake@{anthropic_fake.base_url}"))
    response, exc = _call(backend, temperature=0.7, top_p=0.9, seed=3, response_schema=SCHEMA)
    assert exc is None, exc
    assert response is not None and response.status is Status.ok
    (sent,) = anthropic_fake.received
    assert sent.body["system"] == SYSTEM
    assert [m["role"] for m in sent.body["messages"]] == ["user"]
    assert sent.body["max_tokens"] == 64
    assert not {"temperature", "top_p", "top_k", "seed"} & set(sent.body)
    assert sent.forced_tool == "clinical_answer"
    assert sent.body["tool_choice"] == {"type": "tool", "name": "clinical_answer"}
    assert sent.headers["anthropic-version"]
    assert sent.headers.get("x-api-key") or sent.headers["authorization"].startswith("Bearer ")


def test_anthropic_native_structured_output_option(anthropic_fake: AnthropicFake) -> None:
    spec = f"anthropic:claude-fake@{anthropic_fake.base_url}?response_format=json_schema"
    response, exc = _call(create_backend(parse_spec(spec)), response_schema=SCHEMA)
    assert exc is None, exc
    assert response is not None and json.loads(response.text)["triage"] == "emergency"
    (sent,) = anthropic_fake.received
    assert sent.body["output_config"] == {"format": {"type": "json_schema", "schema": SCHEMA}}
    assert "tools" not in sent.body


def test_anthropic_fake_rejects_a_system_role_like_the_api(anthropic_fake: AnthropicFake) -> None:
    import anthropic

    backend = create_backend(parse_spec(f"anthropic:claude-fake@{anthropic_fake.base_url}"))

    async def call() -> BaseException | None:
        client = anthropic.AsyncAnthropic(
            api_key="not-needed", base_url=anthropic_fake.base_url, max_retries=0
        )
        try:
            await client.messages.create(
                model="claude-fake",
                max_tokens=8,
                messages=[{"role": "system", "content": SYSTEM}],
            )
        except anthropic.APIStatusError as exc:
            return exc
        finally:
            await client.close()
        return None

    exc = asyncio.run(call())
    assert isinstance(exc, anthropic.BadRequestError)
    assert exc.type == "invalid_request_error" and exc.api_message == SYSTEM_ROLE_MESSAGE
    assert backend.classify(exc) is Status.fatal
    assert anthropic_fake.statuses == {400: 1}


FILTER_REASON = {"openai": "content_filter", "anthropic": "refusal", "litellm": "content_filter"}
FAULTS: list[tuple[str, Fault, Status]] = [
    ("rate_limit", Fault.rate_limit(retry_after=3), Status.rate_limited),
    ("http_500", Fault.http(500), Status.transient),
    ("http_503", Fault.http(503), Status.transient),
    ("overloaded_529", Fault.overloaded(), Status.transient),
    ("http_400", Fault.http(400), Status.fatal),
    ("http_401", Fault.http(401), Status.fatal),
    ("http_404", Fault.http(404), Status.fatal),
    ("slow", Fault.delay(1.0), Status.timeout),
    ("dropped", Fault.drop(), Status.transient),
    # A 200 whose body is not JSON: a proxy cut it, most likely; bounded retries are cheap.
    ("malformed", Fault.malformed(), Status.transient),
]


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(("name", "fault", "expected"), FAULTS, ids=[f[0] for f in FAULTS])
def test_faults_map_to_statuses(
    vendor: str,
    name: str,
    fault: Fault,
    expected: Status,
    openai_fake: OpenAIFake,
    anthropic_fake: AnthropicFake,
) -> None:
    fake = _fake_for(vendor, openai_fake, anthropic_fake)
    fake.script(fault)
    spec = _spec(vendor, openai_fake, anthropic_fake) + "?timeout=0.2"
    backend = create_backend(parse_spec(spec))
    response, exc = _call(backend)
    assert response is None and exc is not None
    status = backend.classify(exc)
    assert status is expected, f"{type(exc).__name__}: {exc}"
    if fault.kind == "status" and fault.status == 429:
        assert backend.retry_after(exc) == 3.0
    else:
        assert backend.retry_after(exc) is None
    assert fake.calls == 1
    if fault.kind != "delay":  # a delayed answer is counted once sent, after the test
        assert fake.statuses == {DROPPED if fault.kind == "drop" else fault.status: 1}
    assert "not-needed" not in str(exc)


@pytest.mark.parametrize("vendor", VENDORS)
def test_empty_content_is_an_ok_empty_answer(
    vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    _fake_for(vendor, openai_fake, anthropic_fake).script(Fault.empty())
    response, exc = _call(create_backend(parse_spec(_spec(vendor, openai_fake, anthropic_fake))))
    assert exc is None, exc
    assert response is not None and response.status is Status.ok
    assert response.text == "" and response.finish_reason == "stop"


@pytest.mark.parametrize("vendor", VENDORS)
def test_content_filter_is_an_ok_answer_with_its_finish_reason(
    vendor: str, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    _fake_for(vendor, openai_fake, anthropic_fake).script(Fault.content_filter())
    spec = _spec(vendor, openai_fake, anthropic_fake)
    response, exc = _call(create_backend(parse_spec(spec)), response_schema=SCHEMA)
    assert exc is None, exc
    assert response is not None and response.status is Status.ok
    assert response.text == ""
    assert response.finish_reason == FILTER_REASON[vendor]


def test_rules_and_answer_functions_pick_per_request(openai_fake: OpenAIFake) -> None:
    def answer(received: Received) -> str:
        return f"Seen {len(received.body['messages'])} messages."

    def rule(received: Received) -> Fault | None:
        text = received.body["messages"][-1]["content"]
        return Fault.http(503) if "crushing" in text else None

    openai_fake.answer = answer
    openai_fake.add_rule(rule)
    try:
        backend = create_backend(parse_spec(f"openai:gpt-fake@{openai_fake.base_url}/v1"))
        response, exc = _call(backend)
        assert response is None and exc is not None
        assert backend.classify(exc) is Status.transient
        openai_fake.script(None)  # the script comes before the rules: answered normally
        response, exc = _call(backend)
        assert response is not None and response.text == "Seen 2 messages."
    finally:
        openai_fake.answer = default_answer
    assert openai_fake.statuses == {503: 1, 200: 1}


def test_openai_fake_validates_like_the_api(openai_fake: OpenAIFake) -> None:
    backend = create_backend(parse_spec(f"openai:gpt-fake@{openai_fake.base_url}/v1"))
    _, exc = _call(backend, temperature=2.5)
    assert exc is not None and backend.classify(exc) is Status.fatal
    assert "temperature" in str(exc)
    assert openai_fake.statuses == {400: 1}


@pytest.mark.parametrize("vendor", VENDORS)
def test_api_key_is_sent_but_never_in_error_text(
    vendor: str,
    openai_fake: OpenAIFake,
    anthropic_fake: AnthropicFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "sk-test-0123456789abcdefghij"
    monkeypatch.setenv("HARNESS_TEST_KEY", key)
    fake = _fake_for(vendor, openai_fake, anthropic_fake)
    fake.script(Fault.http(401))
    spec = _spec(vendor, openai_fake, anthropic_fake) + "?api_key_env=HARNESS_TEST_KEY"
    backend = create_backend(parse_spec(spec))
    _, exc = _call(backend)
    assert exc is not None and backend.classify(exc) is Status.fatal
    (sent,) = fake.received
    assert key in (sent.headers.get("x-api-key", ""), sent.headers["authorization"][7:])
    assert key not in f"{exc!s} {exc!r} {exc.args}"


def test_retry_after_reads_an_http_date(openai_fake: OpenAIFake) -> None:
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    openai_fake.script(Fault.rate_limit(retry_after=later))
    backend = create_backend(parse_spec(f"openai:gpt-fake@{openai_fake.base_url}/v1"))
    _, exc = _call(backend)
    assert exc is not None
    seconds = backend.retry_after(exc)
    assert seconds is not None and 25 <= seconds <= 31


def _run_tiny(
    tmp_path: Path, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> dict[str, object]:
    from harness.cli import main

    main(
        [
            "run",
            str(TINY_SUITE),
            "--model",
            f"openai:m@{openai_fake.base_url}/v1",
            "--model",
            f"anthropic:claude-x@{anthropic_fake.base_url}",
            "--samples",
            "1",
            "--results",
            str(tmp_path),
            "--run-id",
            "v",
        ]
    )
    scorecard: dict[str, object] = json.loads((tmp_path / "v" / "scorecard.json").read_text())
    return scorecard


def _errors(scorecard: dict[str, object]) -> list[int]:
    models = scorecard["models"]
    assert isinstance(models, list)
    return [int(m["n_errors"]) for m in models]


def test_run_two_vendors_counts_every_call(
    tmp_path: Path, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    scorecard = _run_tiny(tmp_path, openai_fake, anthropic_fake)
    assert _errors(scorecard) == [0, 0]  # two models, no errors
    assert openai_fake.statuses == {200: 10}  # 10 unique cases, one sample each
    assert anthropic_fake.statuses == {200: 10}
    assert all(r.body["system"] for r in anthropic_fake.received)


def test_run_retries_rate_limits_to_completion(
    tmp_path: Path, openai_fake: OpenAIFake, anthropic_fake: AnthropicFake
) -> None:
    for fake in (openai_fake, anthropic_fake):
        fake.script(*[Fault.rate_limit(retry_after=0)] * 3)
    scorecard = _run_tiny(tmp_path, openai_fake, anthropic_fake)
    assert _errors(scorecard) == [0, 0]
    for fake in (openai_fake, anthropic_fake):
        assert fake.calls == 13
        assert fake.statuses == {429: 3, 200: 10}


def test_fake_is_not_the_bottleneck(openai_fake: OpenAIFake) -> None:
    """1,000 requests at concurrency 50 with 100 ms each take 2.0 s if the server adds nothing.
    The bound is loose (a shared CI machine); a server that serialised requests would need 100 s."""
    openai_fake.delay_s = 0.1
    body = {"model": "m", "messages": [{"role": "user", "content": "chest pain"}]}

    async def load() -> float:
        limit = asyncio.Semaphore(50)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as session:

            async def one() -> None:
                async with (
                    limit,
                    session.post(
                        f"{openai_fake.base_url}/v1/chat/completions",
                        json=body,
                        headers={"authorization": "Bearer not-needed"},
                    ) as resp,
                ):
                    assert resp.status == 200
                    await resp.read()

            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(1000)))
            return time.perf_counter() - start

    seconds = asyncio.run(load())
    assert openai_fake.statuses == {200: 1000}
    assert 2.0 <= seconds < 4.0, seconds
