"""An axis: one demographic attribute, its values, their surface forms, and the reference."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = ["Axis", "AxisValue", "Provenance", "StrictModel"]

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(StrictModel):
    source: str
    citation: str = ""
    licence: str
    version: str = ""


class AxisValue(StrictModel):
    """One group. Each form maps slot names (term, name, subject, ...) to the text a template
    receives; the first form is the canonical one, the others are null perturbations."""

    label: str = ""
    forms: list[dict[str, str]] = Field(min_length=1)

    @field_validator("forms")
    @classmethod
    def _forms_agree(cls, forms: list[dict[str, str]]) -> list[dict[str, str]]:
        slots = set(forms[0])
        if not slots:
            raise ValueError("a surface form needs at least one slot")
        for i, form in enumerate(forms):
            if set(form) != slots:
                raise ValueError(
                    f"form {i} has slots {sorted(form)} but form 0 has {sorted(slots)}"
                )
            empty = [k for k, v in form.items() if not v.strip()]
            if empty:
                raise ValueError(f"form {i} has empty slot {empty[0]!r}")
        return forms


class Axis(StrictModel):
    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    provenance: Provenance | None = None
    values: dict[str, AxisValue] = Field(min_length=2)
    reference: str

    @field_validator("values")
    @classmethod
    def _value_names(cls, values: dict[str, AxisValue]) -> dict[str, AxisValue]:
        slot_sets = {name: set(v.forms[0]) for name, v in values.items()}
        first_name, first = next(iter(slot_sets.items()))
        for name, slots in slot_sets.items():
            if slots != first:
                raise ValueError(
                    f"value {name!r} has slots {sorted(slots)} but {first_name!r} has "
                    f"{sorted(first)}"
                )
        return values

    @field_validator("reference")
    @classmethod
    def _reference_exists(cls, reference: str, info: ValidationInfo) -> str:
        values = info.data.get("values")
        if values is not None and reference not in values:
            raise ValueError(f"reference {reference!r} is not one of the values {sorted(values)}")
        return reference

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(next(iter(self.values.values())).forms[0])

    @property
    def others(self) -> list[str]:
        return [v for v in self.values if v != self.reference]
