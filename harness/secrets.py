"""Keeping credentials out of everything we write: error texts pass through `redact`."""

from __future__ import annotations

import os
import re

__all__ = ["redact"]

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
_KEY_SHAPE = re.compile(r"\b(sk-(?:ant-)?[A-Za-z0-9_-]{8,})")


def redact(text: str) -> str:
    for name, value in os.environ.items():
        if _SECRET_NAME.search(name) and len(value) >= 8 and value in text:
            text = text.replace(value, "***")
    return _KEY_SHAPE.sub("sk-***", text)
