"""The clinical decisions the harness knows how to extract, and the values each may take.

`unknown` is never a gold value: it is what an extractor reports when an answer commits to
nothing, and it is counted per group like any other outcome.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DECISION_VALUES", "UNKNOWN", "TRIAGE_ORDER"]

UNKNOWN: Final = "unknown"

# Most to least urgent; the order is what "toward less urgent care" means in the metrics.
TRIAGE_ORDER: Final = ("emergency", "urgent", "routine", "self_care")

DECISION_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "triage": TRIAGE_ORDER,
}
