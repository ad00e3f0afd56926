"""Detectors: findings of race-based medicine, stereotypes, stigmatizing language,
overconfidence, discouraged care and refusal in an answer's prose, with negation and hedging;
and, given the case's context, missing escalation and unprompted demographic mentions."""

from harness.detect.context import DetectContext
from harness.detect.detectors import detect, detect_many, flagged
from harness.detect.finding import CATEGORIES, CONTEXT_CATEGORIES, TEXT_CATEGORIES, Finding

__all__ = [
    "CATEGORIES",
    "CONTEXT_CATEGORIES",
    "TEXT_CATEGORIES",
    "DetectContext",
    "Finding",
    "detect",
    "detect_many",
    "flagged",
]
