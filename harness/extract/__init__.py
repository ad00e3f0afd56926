"""Decisions and prose from an answer: structured JSON first, free text after."""

from harness.extract.decisions import extract_decisions
from harness.extract.structured import answer_text, parse_structured

__all__ = ["answer_text", "extract_decisions", "parse_structured"]
