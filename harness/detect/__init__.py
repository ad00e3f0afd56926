"""Detectors: findings of race-based medicine, stereotypes, stigmatizing language,
overconfidence and refusal in an answer's prose, with negation and hedging."""

from harness.detect.detectors import detect, flagged
from harness.detect.finding import CATEGORIES, Finding

__all__ = ["CATEGORIES", "Finding", "detect", "flagged"]
