"""What a call costs: the model's own price in the suite, else our price file (by backend or
model), else litellm's offline cost map read as JSON (litellm itself is not imported)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from harness.backends import ModelSpec
from harness.suite import ModelConfig

__all__ = ["Price", "price_for"]


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1e6


class _PriceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provenance: dict[str, str]
    backends: dict[str, Price]
    models: dict[str, Price]


@cache
def _price_file() -> _PriceFile:
    text = resources.files("harness.data").joinpath("prices.yaml").read_text(encoding="utf-8")
    return _PriceFile.model_validate(yaml.safe_load(text))


@cache
def _litellm_map() -> dict[str, Any]:
    """litellm's offline price table, read from its package folder without importing litellm
    (2.5 s) or listing its files (60 ms)."""
    spec = find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    for folder in spec.submodule_search_locations:
        table = Path(folder) / "model_prices_and_context_window_backup.json"
        if table.is_file():
            data: dict[str, Any] = json.loads(table.read_text(encoding="utf-8"))
            return data
    return {}


def _from_litellm(model: str) -> Price | None:
    table = _litellm_map()
    for name in (model, model.split("/", 1)[-1]):
        entry = table.get(name)
        if entry and "input_cost_per_token" in entry and "output_cost_per_token" in entry:
            return Price(
                input_per_mtok=float(entry["input_cost_per_token"]) * 1e6,
                output_per_mtok=float(entry["output_cost_per_token"]) * 1e6,
            )
    return None


def price_for(config: ModelConfig, spec: ModelSpec) -> Price | None:
    """None when nothing says what the model costs."""
    if config.price is not None:
        return Price(**config.price)
    prices = _price_file()
    if spec.backend in prices.backends:
        return prices.backends[spec.backend]
    if spec.model in prices.models:
        return prices.models[spec.model]
    return _from_litellm(spec.model)
