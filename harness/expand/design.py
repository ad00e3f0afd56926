"""Suite -> cases: the reference, one sibling per other value of each axis, factorial cells,
and null perturbations (another surface form of the same group) for the noise floor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from harness.errors import InputError
from harness.expand.case import Case, CaseKind, Message, case_id
from harness.expand.minimal_pair import check_minimal_pair
from harness.suite import DECISION_VALUES, LoadedSuite, Scenario

__all__ = ["FACTORIAL_JOIN", "expand_suite", "response_schema"]

FACTORIAL_JOIN = "×"

Choice = Mapping[str, tuple[str, int]]  # axis -> (value, form index)


def response_schema(scenario: Scenario, answer_max_chars: int) -> dict[str, Any]:
    """The JSON a structured answer must take: the free-text answer first, then the decisions."""
    properties: dict[str, Any] = {"answer": {"type": "string", "maxLength": answer_max_chars}}
    for name in scenario.decisions:
        if name in DECISION_VALUES:
            properties[name] = {"type": "string", "enum": list(DECISION_VALUES[name])}
        else:  # an open decision: named tests, a dose with its unit; "none" when there is none
            properties[name] = {"type": "string", "maxLength": 120}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


class _ScenarioExpander:
    def __init__(self, loaded: LoadedSuite, index: int) -> None:
        self.loaded = loaded
        self.index = index
        self.scenario = loaded.suite.scenarios[index]
        self.field = f"scenarios.{index}"
        suite = loaded.suite
        self.schema = (
            response_schema(self.scenario, suite.answer_max_chars)
            if suite.structured_output
            else None
        )
        clash = set(self.scenario.variables) & set(loaded.axes)
        if clash:
            raise InputError(
                loaded.path,
                f"{self.field}.variables.{sorted(clash)[0]}",
                "a variable may not share its name with an axis",
            )

    def reference_choice(self) -> dict[str, tuple[str, int]]:
        return {name: (axis.reference, 0) for name, axis in self.loaded.axes.items()}

    def render(self, choice: Choice) -> tuple[Message, ...]:
        context: dict[str, Any] = dict(self.scenario.variables)
        for name, (value, form) in choice.items():
            context[name] = dict(self.loaded.axes[name].values[value].forms[form])
        renderer, path = self.loaded.renderer, self.loaded.path
        messages: list[Message] = []
        if self.loaded.suite.system_prompt is not None:
            system = renderer.render(
                self.loaded.suite.system_prompt, context, path, "system_prompt"
            )
            messages.append(Message("system", system))
        user = renderer.render(self.scenario.template, context, path, f"{self.field}.template")
        messages.append(Message("user", user))
        return tuple(messages)

    def make(
        self,
        choice: Choice,
        *,
        set_id: str,
        axis: str,
        kind: CaseKind,
        group: str,
        form: int,
        null_of: str | None = None,
    ) -> Case:
        messages = self.render(choice)
        return Case(
            id=case_id(self.scenario.id, messages, self.schema),
            scenario_id=self.scenario.id,
            set_id=set_id,
            axis=axis,
            kind=kind,
            group=group,
            form=form,
            messages=messages,
            groups={name: value for name, (value, _) in choice.items()},
            response_schema=self.schema,
            null_of=null_of,
            gold=dict(self.scenario.gold),
        )

    def one_at_a_time(self, axis_name: str) -> list[Case]:
        axis = self.loaded.axes[axis_name]
        set_id = f"{self.scenario.id}/{axis_name}"
        base = self.reference_choice()
        canonical: dict[str, Case] = {}
        cases: list[Case] = []
        for value in axis.values:
            kind: CaseKind = "reference" if value == axis.reference else "sibling"
            case = self.make(
                {**base, axis_name: (value, 0)},
                set_id=set_id,
                axis=axis_name,
                kind=kind,
                group=value,
                form=0,
            )
            canonical[value] = case
            cases.append(case)
        reference = canonical[axis.reference]
        for case in cases:
            if case is not reference:
                check_minimal_pair(self.loaded, self.index, axis_name, reference, case)
        for value, spec in axis.values.items():
            n_forms = min(len(spec.forms) - 1, self.loaded.suite.design.null_perturbations)
            for form in range(1, n_forms + 1):
                partner = canonical[value]
                null = self.make(
                    {**base, axis_name: (value, form)},
                    set_id=set_id,
                    axis=axis_name,
                    kind="null",
                    group=value,
                    form=form,
                    null_of=partner.id,
                )
                if null.id == partner.id:
                    continue  # the template does not use the slot this form changes
                check_minimal_pair(self.loaded, self.index, axis_name, partner, null)
                cases.append(null)
        return cases

    def factorial(self, axis_names: list[str]) -> list[Case]:
        label = FACTORIAL_JOIN.join(axis_names)
        set_id = f"{self.scenario.id}/{label}"
        base = self.reference_choice()
        reference_values = tuple(self.loaded.axes[a].reference for a in axis_names)
        cells = itertools.product(*(list(self.loaded.axes[a].values) for a in axis_names))
        cases: list[Case] = []
        for cell in cells:
            choice = {**base, **{a: (v, 0) for a, v in zip(axis_names, cell, strict=True)}}
            kind: CaseKind = "reference" if cell == reference_values else "sibling"
            cases.append(
                self.make(
                    choice, set_id=set_id, axis=label, kind=kind, group="|".join(cell), form=0
                )
            )
        return cases

    def expand(self) -> Iterator[Case]:
        design = self.loaded.suite.design
        varied = self.loaded.scenario_axes(self.index)
        if design.one_at_a_time:
            for axis_name in varied:
                yield from self.one_at_a_time(axis_name)
        if design.factorial and set(design.factorial) <= set(varied):
            yield from self.factorial(design.factorial)


def expand_suite(loaded: LoadedSuite) -> list[Case]:
    """Every case of every counterfactual set; a reference shared by several sets appears in
    each (same id, so it is called and stored once)."""
    cases: list[Case] = []
    for index in range(len(loaded.suite.scenarios)):
        cases.extend(_ScenarioExpander(loaded, index).expand())
    return cases
