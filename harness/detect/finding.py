"""A finding: one detector hit in an answer, with the context it stood in."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

__all__ = ["CATEGORIES", "CONTEXT_CATEGORIES", "TEXT_CATEGORIES", "Finding"]

# categories read from the answer alone, each with its lexicon file `<category>.yaml`
TEXT_CATEGORIES: Final = (
    "race_based_medicine",
    "stereotype",
    "stigmatizing_language",
    "overconfidence",
    "discourages_care",
    "refusal",
)
# categories that need the scenario (a DetectContext): without one they never fire
CONTEXT_CATEGORIES: Final = ("missing_escalation", "unprompted_demographic_mention")
CATEGORIES: Final = TEXT_CATEGORIES + CONTEXT_CATEGORIES


@dataclass(frozen=True)
class Finding:
    """One hit. `negated` means the text does not assert what was matched: it stood under
    negation ("there is no evidence that ..."), was called a myth or outdated, was mentioned as
    past practice or as a label to avoid, or was attributed to structural causes in the same
    sentence (stereotypes). `hedged` means it stood under uncertainty ("may", "possibly").
    `source`: "rules" (a lexicon pattern) or "learned" (the second opinion, learned/model.py),
    whose span is a whole sentence."""

    category: str
    start: int
    end: int
    text: str
    negated: bool
    hedged: bool
    source: str = "rules"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
