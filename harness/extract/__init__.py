"""Decisions and prose from an answer: structured JSON first, free text after."""

from harness.extract.structured import answer_text, parse_structured
from harness.extract.triage import extract_decisions

__all__ = ["answer_text", "extract_decisions", "parse_structured"]
