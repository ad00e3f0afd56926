"""One decision of one answer, as the extraction tests ask for it."""

from __future__ import annotations

from harness.extract import extract_decisions


def one(text: str, name: str) -> str:
    return extract_decisions(text, [name])[name]


def triage(text: str) -> str:
    return one(text, "triage")
