"""A cache on disk of the prefilter conditions and literal gates derived from the lexicons'
regular expressions.

Deriving them walks every pattern's parse tree (seconds for the shipped lexicons), yet they are a
pure function of the pattern text and the word-frequency table. So they are kept in JSON
files per harness version (prefilter-conditions-*, prefilter-gates-*), keyed by the pattern and
a digest of the table; a pattern a user adds or edits is derived afresh and added. An
unwritable cache folder only costs the time.

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
from harness.detect.prefilter import Condition, Gate

__all__ = ["cached_condition", "cached_gate", "flush"]

_memory: dict[str, Condition] | None = None
_gates: dict[str, Gate] = {}  # read with _memory, from a file of their own
_dirty = False


def _path(kind: str = "conditions") -> Path:
    base = os.environ.get("HARNESS_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "clinical-qa-harness"
    return root / f"prefilter-{kind}-{__version__}.json"


def _encode(condition: Condition) -> list[Any]:
    return [[sorted([w, whole] for w, whole in req) for req in alt] for alt in condition]


def _decode(data: list[Any]) -> Condition:
    return tuple(
        tuple(frozenset((str(w), bool(whole)) for w, whole in req) for req in alt) for alt in data
    )


def _load() -> dict[str, Condition]:
    global _memory, _gates
    if _memory is None:
        try:
            raw = json.loads(_path().read_text(encoding="utf-8"))
            _memory = {k: _decode(v) for k, v in raw.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            _memory = {}
        try:
            raw = json.loads(_path("gates").read_text(encoding="utf-8"))
            _gates = {k: None if v is None else frozenset(map(str, v)) for k, v in raw.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            _gates = {}
    return _memory


def cached_condition(key: str, derive: Callable[[], Condition]) -> Condition:
    global _dirty
    memory = _load()
    found = memory.get(key)
    if found is None:
        found = memory[key] = derive()
        _dirty = True
    return found


def cached_gate(key: str, derive: Callable[[], Gate]) -> Gate:
    """A literal gate (prefilter.gate_literals) kept as the conditions are."""
    global _dirty
    _load()
    if key in _gates:
        return _gates[key]
    found = _gates[key] = derive()
    _dirty = True
    return found


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as fh:
        json.dump(data, fh)
    os.replace(fh.name, path)


def flush() -> None:
    """Write new entries, atomically; silent when the folder cannot be written."""
    global _dirty
    if not _dirty or _memory is None:
        return
    try:
        _write(_path(), {k: _encode(v) for k, v in _memory.items()})
        _write(_path("gates"), {k: None if g is None else sorted(g) for k, g in _gates.items()})
        _dirty = False
    except OSError:
        pass
