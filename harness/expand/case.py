"""A case: one fully rendered request, and where it sits in its counterfactual set."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Case", "CaseKind", "Message", "case_id", "canonical_json"]

CaseKind = Literal["reference", "sibling", "null"]


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Case:
    """`group` is the varied axis's value (a factorial cell joins values with "|"); `groups`
    holds the value every axis took, so any group label can be read off any case."""

    id: str
    scenario_id: str
    set_id: str
    axis: str
    kind: CaseKind
    group: str
    form: int
    messages: tuple[Message, ...]
    groups: Mapping[str, str] = field(default_factory=dict)
    response_schema: Mapping[str, Any] | None = None
    null_of: str | None = None
    gold: Mapping[str, str] = field(default_factory=dict)

    @property
    def user_prompt(self) -> str:
        return next(m.content for m in reversed(self.messages) if m.role == "user")

    def as_row(self) -> dict[str, Any]:
        system = next((m.content for m in self.messages if m.role == "system"), "")
        return {
            "case_id": self.id,
            "set_id": self.set_id,
            "scenario_id": self.scenario_id,
            "axis": self.axis,
            "kind": self.kind,
            "group": self.group,
            "form": self.form,
            "null_of": self.null_of or "",
            "groups": dict(self.groups),
            "system": system,
            "user": self.user_prompt,
        }


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def case_id(
    scenario_id: str, messages: tuple[Message, ...], schema: Mapping[str, Any] | None
) -> str:
    """Stable across runs and machines: a hash of all that determines the request."""
    payload = {
        "scenario": scenario_id,
        "messages": [m.as_dict() for m in messages],
        "schema": schema,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()[:16]
