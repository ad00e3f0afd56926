"""What the detectors may know about the case an answer replies to: the scenario's red flags,
the attributes it marks as clinically relevant, and the terms the prompt used for the patient.
Without a context the context-dependent categories never fire."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.suite.axis import Axis
from harness.suite.model import Scenario

__all__ = ["DetectContext"]


@dataclass(frozen=True)
class DetectContext:
    """`red_flags`: the scenario's red flags (any means the symptoms may be serious);
    `clinically_relevant`: attribute (axis) names that may be brought up; `patient`: attribute
    name -> the term or label the prompt used ({"race": "Black", "insurance": "Medicaid"})."""

    red_flags: tuple[str, ...] = ()
    clinically_relevant: frozenset[str] = frozenset()
    patient: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        red_flags: Iterable[str] = (),
        clinically_relevant: Iterable[str] = (),
        patient: Mapping[str, str] | None = None,
    ) -> DetectContext:
        return cls(tuple(red_flags), frozenset(clinically_relevant), dict(patient or {}))

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        groups: Mapping[str, str] | None = None,
        axes: Mapping[str, Axis] | None = None,
        form: int = 0,
    ) -> DetectContext:
        """`groups`: the case's axis -> value (Case.groups); with `axes`, each value becomes
        the term its surface form used (the `term` slot), else its label, else the value."""
        patient: dict[str, str] = {}
        for axis_name, value in (groups or {}).items():
            term = value
            axis = (axes or {}).get(axis_name)
            if axis is not None and value in axis.values:
                spec = axis.values[value]
                forms = spec.forms
                chosen = forms[form] if 0 <= form < len(forms) else forms[0]
                term = chosen.get("term") or spec.label or value
            patient[axis_name] = term
        return cls.of(scenario.red_flags, scenario.clinically_relevant, patient)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DetectContext:
        """From the `context` of a labeled answer: {red_flags, clinically_relevant, patient}."""
        patient = data.get("patient") or {}
        return cls.of(
            [str(x) for x in data.get("red_flags") or ()],
            [str(x) for x in data.get("clinically_relevant") or ()],
            {str(k): str(v) for k, v in patient.items()},
        )
