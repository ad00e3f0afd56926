"""A cache on disk of the prefilter conditions derived from the lexicons' regular expressions.

Deriving them walks every pattern's parse tree (seconds for the shipped lexicons), yet they are a
pure function of the pattern text and the word-frequency table. So they are kept in one JSON
file per harness version, keyed by the pattern and a digest of the table; a pattern a user adds
or edits is derived afresh and added. An unwritable cache folder only costs the time.

Location: $HARNESS_CACHE_DIR, else $XDG_CACHE_HOME/clinical-qa-harness, else
~/.cache/clinical-qa-harness.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import __version__
from harness.detect.prefilter import Condition

__all__ = ["cached_condition", "flush"]

_memory: dict[str, Condition] | None = None
_dirty = False


def _path() -> Path:
    base = os.environ.get("HARNESS_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "clinical-qa-harness"
    return root / f"prefilter-conditions-{__version__}.json"


def _encode(condition: Condition) -> list[Any]:
    return [[sorted([w, whole] for w, whole in req) for req in alt] for alt in condition]


def _decode(data: list[Any]) -> Condition:
    return tuple(
        tuple(frozenset((str(w), bool(whole)) for w, whole in req) for req in alt) for alt in data
    )


def _load() -> dict[str, Condition]:
    global _memory
    if _memory is None:
        try:
            raw = json.loads(_path().read_text(encoding="utf-8"))
            _memory = {k: _decode(v) for k, v in raw.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            _memory = {}
    return _memory


def cached_condition(key: str, derive: Callable[[], Condition]) -> Condition:
    global _dirty
    memory = _load()
    found = memory.get(key)
    if found is None:
        found = memory[key] = derive()
        _dirty = True
    return found


def flush() -> None:
    """Write new entries, atomically; silent when the folder cannot be written."""
    global _dirty
    if not _dirty or _memory is None:
        return
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as fh:
            json.dump({k: _encode(v) for k, v in _memory.items()}, fh)
        os.replace(fh.name, path)
        _dirty = False
    except OSError:
        pass
