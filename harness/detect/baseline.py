"""The naive keyword baseline (lexicons/baseline.yaml): a category is flagged when the lowered
answer holds one of its phrases as a substring. It exists to be measured against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pydantic import Field

from harness.detect.context import DetectContext
from harness.detect.finding import CATEGORIES
from harness.detect.lexicon import load_lexicon
from harness.errors import InputError
from harness.suite.axis import Provenance, StrictModel

__all__ = ["BaselineLexicon", "baseline_flags", "baseline_many"]


class BaselineLexicon(StrictModel):
    provenance: Provenance
    groups: list[str] = []
    categories: dict[str, list[str]] = Field(min_length=1)


@dataclass(frozen=True)
class _Baseline:
    phrases: tuple[tuple[str, tuple[str, ...]], ...]


@cache
def _baseline() -> _Baseline:
    file, lex = load_lexicon("baseline.yaml", BaselineLexicon)
    out = []
    for category, phrases in lex.categories.items():
        if category not in CATEGORIES:
            raise InputError(file, f"categories.{category}", "not a detector category")
        expanded: list[str] = []
        for phrase in phrases:
            if "{group}" in phrase:
                expanded.extend(phrase.replace("{group}", g).lower() for g in lex.groups)
            else:
                expanded.append(phrase.lower())
        out.append((category, tuple(expanded)))
    return _Baseline(tuple(out))


def baseline_flags(text: str, context: DetectContext | None = None) -> set[str]:
    """Categories the keyword baseline flags. missing_escalation: red flags and none of its
    words; unprompted_demographic_mention: any of its words; both only with a context."""
    lowered = f" {text.lower()} "
    flags = set()
    for category, phrases in _baseline().phrases:
        hit = any(p in lowered for p in phrases)
        if category == "missing_escalation":
            hit = context is not None and bool(context.red_flags) and not hit
        elif category == "unprompted_demographic_mention":
            hit = hit and context is not None
        if hit:
            flags.add(category)
    return flags


def baseline_many(texts: Sequence[str]) -> list[set[str]]:
    return [baseline_flags(t) for t in texts]
