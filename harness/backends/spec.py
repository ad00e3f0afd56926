"""Model specs: `backend:model[@url][?key=value&...]`, e.g. `openai:my-model@http://127.0.0.1:8000/v1`."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from harness.errors import InputError

__all__ = ["ModelSpec", "parse_spec"]


@dataclass(frozen=True)
class ModelSpec:
    backend: str
    model: str
    endpoint: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    text: str = ""

    @property
    def label(self) -> str:
        """The spec as users wrote it, minus nothing: specs hold no secrets by construction."""
        return self.text


def parse_spec(text: str, source: str = "--model") -> ModelSpec:
    raw = text.strip()
    head, _, query = raw.partition("?")
    backend, sep, rest = head.partition(":")
    if not sep or not backend or not rest:
        raise InputError(source, text, "a model spec looks like backend:model[@url][?key=value]")
    model, _, endpoint = rest.partition("@")
    if not model:
        raise InputError(source, text, "the model name is empty")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise InputError(
            source, text, f"the endpoint {endpoint!r} must start with http:// or https://"
        )
    if endpoint and "@" in endpoint.split("//", 1)[1].split("/", 1)[0]:
        raise InputError(source, text, "put credentials in the environment, not in the URL")
    try:
        options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise InputError(source, text, f"bad options {query!r}; use key=value&key=value") from None
    return ModelSpec(backend.lower(), model, endpoint or None, options, raw)
