"""Vendor fakes: real HTTP servers on 127.0.0.1 that speak OpenAI's and Anthropic's wire formats,
each in a thread with its own event loop, with scripted faults and server-side call counts.

    with OpenAIFake(delay_s=0.1) as fake:
        fake.script(Fault.rate_limit(retry_after=2), None, Fault.drop())
        ...  # point a client at fake.base_url + "/v1"
        assert fake.statuses[429] == 1

`python -m fakes openai|anthropic` (from tests/) serves one in the foreground, for benchmarks."""

from fakes.anthropic_messages import SYSTEM_ROLE_MESSAGE, AnthropicFake
from fakes.openai_chat import OpenAIFake
from fakes.server import (
    DROPPED,
    AnswerFn,
    FakeServer,
    Fault,
    Received,
    Rule,
    default_answer,
    example_for,
)

__all__ = [
    "DROPPED",
    "SYSTEM_ROLE_MESSAGE",
    "AnswerFn",
    "AnthropicFake",
    "FakeServer",
    "Fault",
    "OpenAIFake",
    "Received",
    "Rule",
    "default_answer",
    "example_for",
]
