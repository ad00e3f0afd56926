"""Lexicon files: YAML in harness/data/lexicons, validated by the models here, compiled once.

A category file (`<category>.yaml`) holds `provenance`, `patterns` (each an `id` and a `regex`,
with optional `not_followed_by` / `not_preceded_by` exceptions and `fuzzy` words whose
misspellings count too) and `terms`: `{name}` in a pattern stands for the alternation of the
phrases under `terms.name`. `context.yaml` holds the negation and hedge triggers, `triage.yaml`
the triage levels. Adding a phrase to a list is the usual way to extend a detector.

Patterns are Python regular expressions, matched case-insensitively: the text is lowered
(keeping its length, so spans hold) and so are the patterns' literals, which is several times
faster than re.IGNORECASE on long alternations. A pattern may name a group `core`: negation and
hedge scopes are then measured from the core, not from the match start, so "Black patients do
not have thicker skin" negates a match that starts at "Black".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import as_file, files
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from harness.detect.condition_cache import cached_condition, compiled_once, known_valid, mark_valid
from harness.detect.finding import TEXT_CATEGORIES
from harness.detect.matcher import Matcher, top_level_alternatives
from harness.detect.prefilter import Condition, Share, condition
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
    "condition_of",
    "expand_terms",
    "load_lexicon",
    "require",
]

# Escapes, named groups and inline flags keep their case; everything else is lowered.
_REGEX_TOKENS = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)|\(\?[aiLmsux-]+[:)]|[^\\(]+|\(", re.S)
_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_MAX_TERM_DEPTH = 5
# a regex that must open with a term list: "\b{group}...", "\b(?P<core>{myth})..."
_OPENING_TERM = re.compile(r"^(?:\\b)*(?:\{([a-z][a-z0-9_]*)\}|\(\?P<\w+>\{([a-z][a-z0-9_]*)\}\))")
_GAP = r"[\s,;:\-\u2013\u2014]*"


class PatternSpec(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    regex: str
    not_followed_by: list[str] = []
    not_preceded_by: list[str] = []
    fuzzy: list[str] = []  # single words whose misspellings also count, under the same exceptions
    # the rule counts only where the scenario has red flags: "book a GP appointment next week"
    # under-triages an emergency but is sound advice for a lump
    red_flags_only: bool = False
    note: str = ""


class SoleContent(StrictModel):
    """Report hits only when the answer says little else: at most `max_other_words` words
    outside the clauses that hold a hit or match `boilerplate`."""

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
    # hits count only where the symptoms may be serious: the scenario has red flags, or the
    # answer names one of these
    serious_signs: list[str] = []
    # a hit counts as negated when the answer also recommends one of these triage levels,
    # neither negated nor conditional, outside the hit ("no need for the ER; urgent care today")
    defused_by_triage: list[Literal["emergency", "urgent", "routine", "self_care"]] = []
    # negation and hedge triggers within a hit's own words do not govern it ("no need to ...")
    ignore_triggers_inside: bool = False


class TriggerGroup(StrictModel):
    kind: Literal["negation", "hedge", "pseudo"]
    direction: Literal["forward", "backward", "both"] = "forward"
    # in words; a windowed scope also ends at a comma or a colon
    window: int | None = Field(default=None, ge=1)
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
    regex: Matcher
    not_followed: Matcher | None
    not_preceded: Matcher | None
    # a rule that opens with a term list is tried only where that list matches: one scan for
    # the list serves every rule that opens with it, which is most of the cost saved
    gate: Matcher | None = None
    # the words the rule cannot match without (see prefilter): () when it may match anywhere
    condition: Condition = ()
    red_flags_only: bool = False

    def allowed(self, text: str, start: int, end: int) -> bool:
        if self.not_followed is not None and self.not_followed.match(text, end):
            return False
        return not (
            self.not_preceded is not None
            and self.not_preceded.search(text, max(0, start - 60), start)
        )

    def hits(
        self,
        text: str,
        gate_starts: Sequence[int] | None = None,
        pos: int = 0,
        endpos: int | None = None,
    ) -> Iterator[tuple[int, int, int]]:
        """(start, end, anchor) of each allowed match in text[pos:endpos] (the text around
        stays visible to look-behinds and exceptions); the anchor is where the core starts.
        With `gate_starts`, the rule is tried only at those positions."""
        has_core = "core" in self.regex.groupindex
        for m in self._matches(text, gate_starts, pos, endpos):
            start, end = m.span()
            if start == end or not self.allowed(text, start, end):
                continue
            anchor = m.start("core") if has_core and m.start("core") >= 0 else start
            yield start, end, anchor

    def _matches(
        self, text: str, gate_starts: Sequence[int] | None, pos: int, endpos: int | None
    ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        if gate_starts is None:
            yield from self.regex.finditer(text, pos, end)
            return
        done = pos
        for start in gate_starts:
            if start >= done and (m := self.regex.match(text, start, end)) is not None:
                done = m.end()
                yield m


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
    defused_by: Matcher | None
    sole_content_words: int | None
    boilerplate: Matcher | None
    serious: Matcher | None = None
    defused_by_triage: frozenset[str] = frozenset()
    ignore_triggers_inside: bool = False


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
    """`{name}` -> the alternation of `terms[name]`; term lists may use other term lists."""

    def replace(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in terms:
            raise InputError(file, field, f"unknown term list {{{name}}}; known: {sorted(terms)}")
        return "(?:" + "|".join(terms[name]) + ")"

    for _ in range(_MAX_TERM_DEPTH):
        expanded = _MACRO.sub(replace, regex)
        if expanded == regex:
            return expanded
        regex = expanded
    raise InputError(file, field, "term lists nest too deep (is one inside itself?)")


def lower_literals(regex: str) -> str:
    """The pattern for lowered text: every character lowered except escapes ("\\S", "\\W")."""
    return "".join(
        part if part.startswith(("\\", "(?")) else part.lower()
        for part in _REGEX_TOKENS.findall(regex)
    )


def compile_pattern(regex: str, file: str, field: str) -> Matcher:
    """A pattern that compiled before (condition_cache.py) is compiled at its first use."""
    lowered = lower_literals(regex)
    if known_valid(lowered):
        return Matcher.compile(lowered, lazy=True)
    try:
        matcher = Matcher.compile(lowered)
    except re.error as exc:
        raise InputError(file, field, f"bad regular expression: {exc}") from None
    mark_valid(lowered)
    return matcher


def check_pattern(regex: str, file: str, field: str) -> None:
    """Raises the InputError of a pattern that does not compile; compiles nothing known."""
    if not known_valid(lower_literals(regex)):
        compile_pattern(regex, file, field)


_WORD_START = re.compile(r"^(?:\(\?:|\()*(?:[A-Za-z0-9]|\\w)")


def compile_fragments(
    fragments: list[str],
    terms: dict[str, list[str]],
    file: str,
    field: str,
    *,
    wrap: str = "{}",
    heads: bool = True,
) -> Matcher | None:
    """One regex for a list of phrases, each kept to whole words ("not" must not match
    "note"). Phrases are grouped by the boundaries they need, so each boundary is tested once
    per position rather than once per phrase: this keeps long lists fast."""
    if not fragments:
        return None
    groups: dict[tuple[bool, bool], list[str]] = {}
    for i, fragment in enumerate(fragments):
        expanded = expand_terms(fragment, terms, file, f"{field}.{i}")
        check_pattern(expanded, file, f"{field}.{i}")
        if heads and expanded.startswith("\\b") and _WORD_START.match(expanded[2:]):
            expanded = expanded[2:]  # before a word character, \b is the shared head
        head = heads and bool(_WORD_START.match(expanded))
        tail = expanded[-1:].isalnum() or expanded.endswith(")")
        groups.setdefault((head, tail), []).append(expanded)
    # the heads stay inside: on long alternations re scans faster with them there
    branches = [
        ("(?<!\\w)" if head else "") + "(?:" + "|".join(parts) + ")" + ("(?!\\w)" if tail else "")
        for (head, tail), parts in groups.items()
    ]
    return compile_pattern(wrap.format("(?:" + "|".join(branches) + ")"), file, field)


def require(matcher: Matcher | None, file: str, field: str) -> Matcher:
    """The matcher of a phrase list that may not be empty."""
    if matcher is None:
        raise InputError(file, field, "needs at least one phrase")
    return matcher


def _gate(regex: str, terms: dict[str, list[str]], file: str, field: str) -> Matcher | None:
    m = _OPENING_TERM.match(regex)
    name = m.group(1) or m.group(2) if m else None
    if name is None or name not in terms:
        return None
    return compile_fragments(["{" + name + "}"], terms, file, field)


def condition_of(
    matcher: Matcher, share: Share | None = None, share_key: str = "length"
) -> Condition:
    """The prefilter condition of a compiled pattern, its leading boundary put back around
    every branch (the Matcher checks it for all of them). Kept on disk (condition_cache.py)
    under the pattern and `share_key`, which must name the `share` function's data."""
    body = matcher.body
    if matcher.boundary is None:
        pattern = body
    else:
        prefix = matcher.pattern[: -len(body)]
        pattern = "|".join(prefix + b for b in top_level_alternatives(body))
    key = f"{share_key if share is not None else 'none'}\x1f{pattern}"
    return cached_condition(key, lambda: condition(pattern, share))


def _compile_category(file: str, lex: CategoryLexicon) -> CompiledLexicon:
    rules: list[PatternRule] = []
    fuzzy: list[FuzzyRule] = []
    for i, spec in enumerate(lex.patterns):
        field = f"patterns.{i}"
        regex = compile_pattern(
            expand_terms(spec.regex, lex.terms, file, f"{field}.regex"), file, f"{field}.regex"
        )
        rule = PatternRule(
            id=spec.id,
            regex=regex,
            condition=condition_of(regex),
            not_followed=compile_fragments(
                spec.not_followed_by,
                lex.terms,
                file,
                f"{field}.not_followed_by",
                wrap=_GAP + "{}",
                heads=False,
            ),
            gate=_gate(spec.regex, lex.terms, file, f"{field}.regex"),
            not_preceded=compile_fragments(
                spec.not_preceded_by,
                lex.terms,
                file,
                f"{field}.not_preceded_by",
                wrap="{}" + _GAP + "$",
            ),
            red_flags_only=spec.red_flags_only,
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
        serious=compile_fragments(lex.serious_signs, lex.terms, file, "serious_signs"),
        defused_by_triage=frozenset(lex.defused_by_triage),
        ignore_triggers_inside=lex.ignore_triggers_inside,
    )


@compiled_once
def category_lexicons() -> tuple[CompiledLexicon, ...]:
    """One compiled lexicon per category, read from `lexicons/<category>.yaml`."""
    compiled = []
    for category in TEXT_CATEGORIES:
        file, lex = load_lexicon(f"{category}.yaml", CategoryLexicon)
        if lex.category != category:
            raise InputError(file, "category", f"must be {category!r}, the file's name")
        compiled.append(_compile_category(file, lex))
    return tuple(compiled)
