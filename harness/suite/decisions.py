"""The clinical decisions the harness knows how to extract, and the values each may take.

Categorical decisions have a closed set of values; their rates are compared across groups.
Open decisions (`tests`, `dose`) have a canonical text value (a sorted list of named tests, a
dose with its unit) that is compared for flips between siblings but has no rates.

`unknown` is never a gold value: it is what an extractor reports when an answer commits to
nothing, and it is counted per group like any other outcome.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CATEGORICAL", "DECISION_VALUES", "OPEN_DECISIONS", "UNKNOWN", "TRIAGE_ORDER"]

UNKNOWN: Final = "unknown"

# Most to least urgent; the order is what "toward less urgent care" means in the metrics.
TRIAGE_ORDER: Final = ("emergency", "urgent", "routine", "self_care")

DECISION_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "triage": TRIAGE_ORDER,
    "analgesic": ("opioid", "non_opioid", "none"),
    "referral": ("yes", "no"),
    "testing": ("yes", "no"),  # further diagnostic testing advised (Omar et al. 2025)
    "mental_health": ("yes", "no"),  # a mental-health assessment advised (Omar et al. 2025)
}

# Open decisions: "tests" is the named tests advised ("ecg+troponin"), "dose" a numeric dose with
# its unit ("400 mg"); "none" when the answer names none.
OPEN_DECISIONS: Final = ("tests", "dose")

CATEGORICAL: Final = tuple(DECISION_VALUES)
