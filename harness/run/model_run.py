"""A model ready to call: its config, parsed spec, backend and price; how it builds requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.backends import Backend, ModelSpec, Request, create_backend, parse_spec
from harness.expand import Case
from harness.run.pricing import Price, price_for
from harness.suite import ModelConfig

__all__ = ["ModelRun", "estimate_input_tokens", "prepare_models"]

CHARS_PER_TOKEN = 4  # a rough rule for English; estimates only, real usage comes back per call


def estimate_input_tokens(request: Request) -> int:
    return sum(len(m.content) for m in request.messages) // CHARS_PER_TOKEN + 4 * len(
        request.messages
    )


@dataclass
class ModelRun:
    config: ModelConfig
    spec: ModelSpec
    backend: Backend
    price: Price | None

    @property
    def label(self) -> str:
        return self.spec.label

    def request(self, case: Case, sample: int) -> Request:
        cfg = self.config
        return Request(
            messages=case.messages,
            model=self.spec.model,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            sample=sample,
            seed=None if cfg.seed is None else cfg.seed + sample,
            top_p=cfg.top_p,
            repeat_penalty=cfg.repeat_penalty,
            response_schema=case.response_schema,
            meta={
                "case_id": case.id,
                "scenario_id": case.scenario_id,
                "groups": dict(case.groups),
                "gold": dict(case.gold),
            },
        )

    def worst_cost(self, request: Request) -> float | None:
        """The most a call can cost: its prompt plus every token it may generate."""
        if self.price is None:
            return None
        return self.price.cost(estimate_input_tokens(request), request.max_tokens)

    def cost(
        self, request: Request, input_tokens: int | None, output_tokens: int | None
    ) -> float | None:
        if self.price is None:
            return None
        used_in = estimate_input_tokens(request) if input_tokens is None else input_tokens
        return self.price.cost(used_in, output_tokens or 0)


def prepare_models(configs: Sequence[ModelConfig]) -> list[ModelRun]:
    """Parse every spec and build every backend before any call, so that a bad spec or a
    missing SDK stops the run before money is spent."""
    runs = []
    for cfg in configs:
        spec = parse_spec(cfg.spec)
        runs.append(ModelRun(cfg, spec, create_backend(spec), price_for(cfg, spec)))
    return runs
