"""Lexicon files: YAML in harness/data/lexicons, validated by the models here, compiled once.

Patterns are Python regular expressions, matched case-insensitively. A pattern may name a group
`core`: negation and hedge scopes are then measured from the core, not from the match start, so
"Black patients do not have thicker skin" negates a match that starts at "Black". `{name}` in a
pattern stands for the alternation of the phrases listed under `terms.name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from harness.detect.finding import CATEGORIES
from harness.errors import InputError
from harness.suite.axis import Provenance, StrictModel
from harness.suite.yaml_file import read_yaml_mapping, validation_to_input_error

__all__ = [
    "CategoryLexicon",
    "CompiledLexicon",
    "ContextLexicon",
    "FuzzyRule",
    "PatternRule",
    "category_lexicons",
    "compile_fragments",
    "compile_pattern",
    "expand_terms",
    "load_lexicon",
]

FLAGS = re.IGNORECASE
_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_GAP = r"[\s,;:\-\u2013\u2014]*"


class PatternSpec(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    regex: str
    not_followed_by: list[str] = []
    not_preceded_by: list[str] = []
    fuzzy: list[str] = []  # single words whose misspellings also count, under the same exceptions
    note: str = ""


class SoleContent(StrictModel):
    """Report hits only when the answer says little else: at most `max_other_words` words
    outside the sentences that hold a hit or match `boilerplate`."""

    max_other_words: int = Field(ge=0)
    boilerplate: list[str] = []


class CategoryLexicon(StrictModel):
    provenance: Provenance
    category: str
    description: str = ""
    negatable: bool = True
    hedge_cancels: bool = False  # a hedged hit is no hit (certainty under "probably" is none)
    terms: dict[str, list[str]] = {}
    patterns: list[PatternSpec] = Field(min_length=1)
    fuzzy_min_ratio: float = Field(default=88.0, ge=50.0, le=100.0)
    fuzzy_exclude: list[str] = []  # real words close to a fuzzy term that are not hits
    defused_by: list[str] = []  # a hit in a sentence matching one of these counts as negated
    sole_content: SoleContent | None = None


class TriggerGroup(StrictModel):
    kind: Literal["negation", "hedge", "pseudo"]
    direction: Literal["forward", "backward", "both"] = "forward"
    window: int | None = Field(default=None, ge=1)  # in words; a windowed scope also ends at a comma
    applies_to: list[str] = []  # category names or "triage"; empty means all
    phrases: list[str] = Field(min_length=1)
    note: str = ""


class ContextLexicon(StrictModel):
    provenance: Provenance
    description: str = ""
    terminators: list[str] = Field(min_length=1)
    triggers: list[TriggerGroup] = Field(min_length=1)


@dataclass(frozen=True)
class PatternRule:
    id: str
    regex: re.Pattern[str]
    not_followed: re.Pattern[str] | None
    not_preceded: re.Pattern[str] | None

    def allowed(self, text: str, start: int, end: int) -> bool:
        if self.not_followed is not None and self.not_followed.match(text, end):
            return False
        return not (
            self.not_preceded is not None
            and self.not_preceded.search(text, max(0, start - 60), start)
        )

    def hits(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, anchor) of each allowed match; the anchor is where the core starts."""
        has_core = "core" in self.regex.groupindex
        for m in self.regex.finditer(text):
            start, end = m.span()
            if start == end or not self.allowed(text, start, end):
                continue
            anchor = m.start("core") if has_core and m.start("core") >= 0 else start
            yield start, end, anchor


@dataclass(frozen=True)
class FuzzyRule:
    key: str  # the term in lower case, letters only
    pattern: PatternRule  # whose exceptions apply


@dataclass(frozen=True)
class CompiledLexicon:
    category: str
    negatable: bool
    hedge_cancels: bool
    rules: tuple[PatternRule, ...]
    fuzzy: tuple[FuzzyRule, ...]
    fuzzy_min_ratio: float
    fuzzy_exclude: frozenset[str]
    defused_by: re.Pattern[str] | None
    sole_content_words: int | None
    boilerplate: re.Pattern[str] | None


M = TypeVar("M", bound=BaseModel)


def load_lexicon(filename: str, model: type[M]) -> tuple[str, M]:
    """The validated lexicon and the path to name in error messages."""
    resource = files("harness.data").joinpath("lexicons", filename)
    with as_file(resource) as path:
        data: dict[str, Any] = read_yaml_mapping(path)
        try:
            return str(path), model.model_validate(data)
        except ValidationError as exc:
            raise validation_to_input_error(path, exc) from None


def expand_terms(regex: str, terms: dict[str, list[str]], file: str, field: str) -> str:
    def replace(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in terms:
            raise InputError(file, field, f"unknown term list {{{name}}}; known: {sorted(terms)}")
        return "(?:" + "|".join(terms[name]) + ")"

    return _MACRO.sub(replace, regex)


def compile_pattern(regex: str, file: str, field: str) -> re.Pattern[str]:
    try:
        return re.compile(regex, FLAGS)
    except re.error as exc:
        raise InputError(file, field, f"bad regular expression: {exc}") from None


def _bounded(fragment: str) -> str:
    """A fragment that cannot end inside a word ("not" must not match "note")."""
    head = r"(?<!\w)" if fragment[:1].isalnum() else ""
    tail = r"(?!\w)" if fragment[-1:].isalnum() or fragment.endswith(")") else ""
    return f"{head}(?:{fragment}){tail}"


def compile_fragments(
    fragments: list[str], terms: dict[str, list[str]], file: str, field: str, *, wrap: str = "{}"
) -> re.Pattern[str] | None:
    """One regex for a list of phrases, each bounded by word boundaries."""
    if not fragments:
        return None
    parts = [
        _bounded(expand_terms(f, terms, file, f"{field}.{i}")) for i, f in enumerate(fragments)
    ]
    return compile_pattern(wrap.format("(?:" + "|".join(parts) + ")"), file, field)


def _compile_category(file: str, lex: CategoryLexicon) -> CompiledLexicon:
    rules: list[PatternRule] = []
    fuzzy: list[FuzzyRule] = []
    for i, spec in enumerate(lex.patterns):
        field = f"patterns.{i}"
        rule = PatternRule(
            id=spec.id,
            regex=compile_pattern(
                expand_terms(spec.regex, lex.terms, file, f"{field}.regex"), file, f"{field}.regex"
            ),
            not_followed=compile_fragments(
                spec.not_followed_by, lex.terms, file, f"{field}.not_followed_by", wrap=_GAP + "{}"
            ),
            not_preceded=compile_fragments(
                spec.not_preceded_by, lex.terms, file, f"{field}.not_preceded_by", wrap="{}" + _GAP + "$"
            ),
        )
        rules.append(rule)
        for j, term in enumerate(spec.fuzzy):
            key = re.sub(r"[^a-z]", "", term.lower())
            if len(key) < 5:
                raise InputError(file, f"{field}.fuzzy.{j}", "a fuzzy term needs 5 letters or more")
            fuzzy.append(FuzzyRule(key=key, pattern=rule))
    boilerplate = None
    if lex.sole_content is not None:
        boilerplate = compile_fragments(
            lex.sole_content.boilerplate, lex.terms, file, "sole_content.boilerplate"
        )
    return CompiledLexicon(
        category=lex.category,
        negatable=lex.negatable,
        hedge_cancels=lex.hedge_cancels,
        rules=tuple(rules),
        fuzzy=tuple(fuzzy),
        fuzzy_min_ratio=lex.fuzzy_min_ratio,
        fuzzy_exclude=frozenset(w.lower() for w in lex.fuzzy_exclude),
        defused_by=compile_fragments(lex.defused_by, lex.terms, file, "defused_by"),
        sole_content_words=None if lex.sole_content is None else lex.sole_content.max_other_words,
        boilerplate=boilerplate,
    )


@cache
def category_lexicons() -> tuple[CompiledLexicon, ...]:
    """One compiled lexicon per category, read from `lexicons/<category>.yaml`."""
    compiled = []
    for category in CATEGORIES:
        file, lex = load_lexicon(f"{category}.yaml", CategoryLexicon)
        if lex.category != category:
            raise InputError(file, "category", f"must be {category!r}, the file's name")
        compiled.append(_compile_category(file, lex))
    return tuple(compiled)
