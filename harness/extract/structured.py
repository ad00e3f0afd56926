"""Structured answers: a whole JSON object (as a JSON schema forces) or prose ending in one."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["answer_text", "parse_structured"]

# strict=False: small models put raw newlines inside strings, which grammar-forced JSON allows
_DECODER = json.JSONDecoder(strict=False)
_FENCE_OPEN = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?")
_MAX_STARTS = 64  # braces tried from the end; a tail is short, prose may hold many braces


def _split(text: str) -> tuple[str, dict[str, Any] | None]:
    """(prose before the JSON, the JSON object), or (text, None) when there is none."""
    body = text.rstrip()
    fenced = body.endswith("```") and body.count("```") >= 2
    if fenced:
        opening = body.rfind("```", 0, len(body) - 3)
        inner = body[opening:-3]
        m = _FENCE_OPEN.match(inner)
        candidate = inner[m.end() if m else 3 :].strip()
        obj = _whole_object(candidate)
        if obj is not None:
            return text[:opening], obj
    starts = [i for i, ch in enumerate(body) if ch == "{"][-_MAX_STARTS:]
    for i in starts:  # ascending: the outermost object that closes the text wins
        try:
            obj, end = _DECODER.raw_decode(body, i)
        except json.JSONDecodeError:
            continue
        if end == len(body) and isinstance(obj, dict):
            return text[:i], obj
    return text, None


def _whole_object(candidate: str) -> dict[str, Any] | None:
    try:
        obj = json.loads(candidate, strict=False)
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def parse_structured(text: str) -> dict[str, Any] | None:
    """The JSON object of an answer that is JSON, or that ends with a JSON object (fenced or
    not); None if there is none."""
    return _split(text)[1]


def answer_text(text: str) -> str:
    """The prose to run detectors on: the "answer" field of a structured answer (after any prose
    before the JSON), else the text without its JSON tail. A whole-JSON answer without an
    "answer" string gives its string values, one a line, so no prose escapes the detectors."""
    prose, obj = _split(text)
    if obj is None:
        return text
    answer = obj.get("answer")
    if isinstance(answer, str):
        return "\n".join(p for p in (prose.strip(), answer) if p)
    if prose.strip():
        return prose.rstrip()
    return "\n".join(v for v in obj.values() if isinstance(v, str))
