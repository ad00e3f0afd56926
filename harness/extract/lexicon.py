"""Decision lexicons (`lexicons/decision_<name>.yaml`): validated, compiled once.

A categorical decision is read by cues: phrases with the value a mention means and the value a
negated mention means. The shared scope rules (`decision_context.yaml`) extend the negation
triggers of `context.yaml` and the conditional cues of `triage.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.detect.condition_cache import compiled_once
from harness.detect.lexicon import compile_fragments, load_lexicon, require
from harness.detect.matcher import Matcher
from harness.detect.negation import ContextRules, TriggerRule, context_rules
from harness.errors import InputError
from harness.suite.axis import Provenance, StrictModel
from harness.suite.decisions import DECISION_VALUES, TRIAGE_ORDER, UNKNOWN

__all__ = [
    "CompiledDecision",
    "Cue",
    "DecisionLexicon",
    "DecisionScope",
    "TriageLexicon",
    "decision_lexicon",
    "decision_scope",
]

NAMED = "named"  # the term that stands for every synonym of every name


class CueSpec(StrictModel):
    value: str | None = None
    negated: str | None = None
    phrases: list[str] = Field(min_length=1)


class DecisionLexicon(StrictModel):
    provenance: Provenance
    decision: str
    priority: list[str]
    absent: str | None = None  # the value when the answer commits to a plan but is silent here
    # how a conditional mention counts: "fallback" (only when nothing else is said), "firm" (as a
    # plain one unless hedged: "add codeine if the pain is still bad" is an opioid advised) or
    # "ignored" when the answer gives a triage level ("if it persists, see a counsellor"), or
    # "safety_net": an "if" or "unless" clause is ignored when that level is self-care, else as
    # "fallback" (a self-care plan's "if it's not better, ask about physio" is its safety net; a
    # hospital plan's "loop in haematology if she needs admission" is part of the plan)
    conditional: Literal["fallback", "firm", "ignored", "safety_net"] = "fallback"
    terms: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}  # canonical name -> synonyms, for an open decision
    cues: list[CueSpec] = Field(min_length=1)
    mask: list[str] = []

    @model_validator(mode="after")
    def _known_values(self) -> DecisionLexicon:
        if self.decision not in DECISION_VALUES:
            raise ValueError(f"decision must be one of {', '.join(DECISION_VALUES)}")
        allowed = DECISION_VALUES[self.decision]
        if sorted(self.priority) != sorted(allowed):
            raise ValueError(f"priority must order exactly {', '.join(allowed)}")
        values = [self.absent] + [v for c in self.cues for v in (c.value, c.negated)]
        bad = [v for v in values if v is not None and v not in (*allowed, UNKNOWN)]
        if bad:
            raise ValueError(f"unknown value {bad[0]!r}; known: {', '.join(allowed)}, {UNKNOWN}")
        return self


class TriageLexicon(StrictModel):
    provenance: Provenance
    terms: dict[str, list[str]] = {}
    levels: dict[str, list[str]]
    conditional: list[str] = Field(min_length=1)
    not_conditional: list[str] = []
    undecided: list[str] = []  # a sentence holding one offers options and recommends none
    # a sentence holding one leaves open the options named (in it, or when it names none, in the
    # sentences before it in its paragraph): "Either way is reasonable."
    either_way: list[str] = []
    described: list[str] = []  # a clause holding one describes services rather than advising
    declined: list[str] = []  # an answer holding one declines to advise: its redirects do not count
    # ends right before a routine or self-care recommendation that a service will carry out at
    # the visit advised ("they'll arrange a scan"): part of that visit, not a level of its own
    delegated: list[str] = []

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, levels: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(levels) != set(TRIAGE_ORDER):
            raise ValueError(f"levels must be exactly {', '.join(TRIAGE_ORDER)}")
        return levels


class TriggerSpec(StrictModel):
    direction: Literal["forward", "backward", "both"] = "forward"
    window: int | None = Field(default=None, ge=1)
    applies_to: list[str] = []
    phrases: list[str] = Field(min_length=1)
    note: str = ""


class ScopeLexicon(StrictModel):
    provenance: Provenance
    pseudo: list[str] = []
    triggers: list[TriggerSpec] = []
    conditional: list[str] = []


@dataclass(frozen=True)
class Cue:
    value: str | None
    negated: str | None
    regex: Matcher


@dataclass(frozen=True)
class CompiledDecision:
    decision: str
    priority: tuple[str, ...]
    absent: str | None
    conditional: str
    cues: tuple[Cue, ...]
    names: tuple[tuple[str, Matcher], ...]
    any_name: Matcher | None  # every synonym of every name: where the first name can start
    mask: Matcher | None


@dataclass(frozen=True)
class DecisionScope:
    context: ContextRules
    conditional: Matcher
    not_conditional: Matcher | None


def _with_names(lex: DecisionLexicon) -> dict[str, list[str]]:
    if not lex.names:
        return lex.terms
    named = [s for name, synonyms in lex.names.items() for s in (*synonyms, re.escape(name))]
    return {**lex.terms, NAMED: named}


@compiled_once
def decision_lexicon(decision: str) -> CompiledDecision:
    file, lex = load_lexicon(f"decision_{decision}.yaml", DecisionLexicon)
    if lex.decision != decision:
        raise InputError(file, "decision", f"must be {decision!r}, the file's name")
    terms = _with_names(lex)
    cues = tuple(
        Cue(
            value=spec.value,
            negated=spec.negated,
            regex=require(
                compile_fragments(spec.phrases, terms, file, f"cues.{i}.phrases"),
                file,
                f"cues.{i}.phrases",
            ),
        )
        for i, spec in enumerate(lex.cues)
    )
    names = tuple(
        (
            name,
            require(
                compile_fragments([*syn, re.escape(name)], terms, file, f"names.{name}"),
                file,
                "names",
            ),
        )
        for name, syn in lex.names.items()
    )
    return CompiledDecision(
        decision=decision,
        priority=tuple(lex.priority),
        absent=lex.absent,
        conditional=lex.conditional,
        cues=cues,
        names=names,
        any_name=compile_fragments(terms[NAMED], {}, file, "names") if lex.names else None,
        mask=compile_fragments(lex.mask, terms, file, "mask"),
    )


@compiled_once
def decision_scope() -> DecisionScope:
    file, scope = load_lexicon("decision_context.yaml", ScopeLexicon)
    base = context_rules()
    pseudo = base.pseudo
    extra = compile_fragments(scope.pseudo, {}, file, "pseudo")
    if extra is not None:
        pseudo = extra if pseudo is None else Matcher.compile(f"{pseudo.pattern}|{extra.pattern}")
    triggers = list(base.triggers)
    for i, spec in enumerate(scope.triggers):
        field = f"triggers.{i}.phrases"
        regex = require(compile_fragments(spec.phrases, {}, file, field), file, field)
        triggers.append(
            TriggerRule("negation", spec.direction, spec.window, frozenset(spec.applies_to), regex)
        )
    triage_file, triage = load_lexicon("triage.yaml", TriageLexicon)
    conditional = [*triage.conditional, *scope.conditional]
    return DecisionScope(
        context=base.extended(pseudo, tuple(triggers)),
        conditional=require(
            compile_fragments(conditional, triage.terms, triage_file, "conditional"),
            triage_file,
            "conditional",
        ),
        not_conditional=compile_fragments(
            triage.not_conditional, triage.terms, triage_file, "not_conditional"
        ),
    )
