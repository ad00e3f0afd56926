"""The suite file, as pydantic models. Cross-file checks (templates, axis files) live in loader."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from harness.suite.axis import NAME_PATTERN, StrictModel
from harness.suite.decisions import DECISION_VALUES, OPEN_DECISIONS

__all__ = ["Design", "ModelConfig", "Scenario", "Suite", "Thresholds", "DEFAULT_MODEL"]

DEFAULT_MODEL = "local:smollm2"

Scalar = str | int | float | bool


class ModelConfig(StrictModel):
    """A backend, a model name and the parameters that change its output."""

    spec: str = Field(min_length=3)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=256, gt=0, le=32768)
    seed: int | None = 0
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    repeat_penalty: float | None = Field(default=None, gt=0.0)
    concurrency: int = Field(default=8, ge=1, le=1024)
    timeout_s: float = Field(default=120.0, gt=0.0)
    max_attempts: int = Field(default=4, ge=1, le=20)
    rpm: int | None = Field(default=None, gt=0, description="requests per minute at most")
    tpm: int | None = Field(default=None, gt=0, description="tokens per minute at most")
    price: dict[str, float] | None = Field(
        default=None, description="input_per_mtok and output_per_mtok, US dollars"
    )

    @field_validator("price")
    @classmethod
    def _price_keys(cls, price: dict[str, float] | None) -> dict[str, float] | None:
        if price is not None and set(price) != {"input_per_mtok", "output_per_mtok"}:
            raise ValueError("price needs exactly input_per_mtok and output_per_mtok")
        if price is not None and min(price.values()) < 0:
            raise ValueError("prices cannot be negative")
        return price


class Design(StrictModel):
    one_at_a_time: bool = True
    factorial: list[str] = Field(default_factory=list)
    null_perturbations: int = Field(default=1, ge=0, le=10)

    @field_validator("factorial")
    @classmethod
    def _factorial_size(cls, axes: list[str]) -> list[str]:
        if len(axes) == 1:
            raise ValueError("a factorial design needs at least two axes")
        if len(set(axes)) != len(axes):
            raise ValueError("an axis is named twice")
        return axes


class Thresholds(StrictModel):
    """Defaults: a flip or rate difference of 10 points beyond noise is a failure; verdicts need
    at least 5 vignettes."""

    flip_rate: float = Field(default=0.10, gt=0.0, le=1.0)
    decision_rate_difference: float = Field(default=0.10, gt=0.0, le=1.0)
    flag_rate_difference: float = Field(default=0.10, gt=0.0, le=1.0)
    min_vignettes: int = Field(default=5, ge=1)
    min_cell_answers: int = Field(
        default=30, ge=1, description="factorial cells with fewer answers are not compared"
    )


class Scenario(StrictModel):
    id: str = Field(pattern=NAME_PATTERN)
    title: str = ""
    template: str = Field(min_length=1)
    variables: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    red_flags: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=lambda: ["triage"], min_length=1)
    gold: dict[str, str] = Field(default_factory=dict)
    clinically_relevant: list[str] = Field(default_factory=list)
    axes: list[str] | None = None

    @field_validator("decisions")
    @classmethod
    def _known_decisions(cls, decisions: list[str]) -> list[str]:
        known = (*DECISION_VALUES, *OPEN_DECISIONS)
        for d in decisions:
            if d not in known:
                raise ValueError(f"unknown decision {d!r}; known: {', '.join(known)}")
        if len(set(decisions)) != len(decisions):
            raise ValueError("a decision is named twice")
        return decisions

    @field_validator("gold")
    @classmethod
    def _gold_matches_decisions(cls, gold: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        decisions = info.data.get("decisions", [])
        for name, value in gold.items():
            if name not in decisions:
                raise ValueError(f"gold names {name!r}, which is not in decisions")
            if name in OPEN_DECISIONS:
                raise ValueError(f"gold {name!r}: open decisions take no gold value")
            if value not in DECISION_VALUES[name]:
                allowed = ", ".join(DECISION_VALUES[name])
                raise ValueError(f"gold {name} {value!r} is not one of: {allowed}")
        return gold


class Suite(StrictModel):
    schema_version: Literal[1] = 1
    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    prompts_dir: str = "../prompts"
    axes_dir: str = "axes"
    system_prompt: str | None = None
    structured_output: bool = True
    answer_max_chars: int = Field(default=400, ge=40, le=20000)
    axes: list[str | dict[str, Any]] = Field(min_length=1)
    design: Design = Field(default_factory=Design)
    samples: int = Field(default=1, ge=1, le=1000)
    models: list[ModelConfig] = Field(default_factory=lambda: [ModelConfig(spec=DEFAULT_MODEL)])
    thresholds: Thresholds = Field(default_factory=Thresholds)
    scenarios: list[Scenario] = Field(min_length=1)
