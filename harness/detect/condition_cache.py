"""A cache on disk of what the lexicons' regular expressions yield beyond the regex itself: the
prefilter conditions and literal gates derived from them, which patterns are known to compile
(so that loading the lexicons need not compile a regex before it is first used), and each
pattern widened for RE2 with the size of RE2's program for a set of them (rule_set.py).

Deriving the conditions walks every pattern's parse tree (seconds for the shipped lexicons), yet
they are a pure function of the pattern text and the word-frequency table. So they are kept per
harness and Python version, keyed by the pattern and a digest of the table; a pattern a user adds
or edits is derived afresh and added. The file is in `marshal` format with every repeated word
and requirement stored once: loading it takes milliseconds where JSON took a second. An
unwritable or unreadable cache folder only costs the time.

With no cache file yet (a fresh machine), the entries of the shipped lexicons come from a seed
shipped in the package (harness/data/prefilter_seed.json.gz, about a second less than deriving
them: 11 s), written by `python -m harness.detect.seed` whenever a shipped lexicon changes (a
test says when).

Location: $HARNESS_CACHE_DIR, else $XDG_CACHE_HOME/clinical-qa-harness, else
~/.cache/clinical-qa-harness.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

from harness import __version__
from harness.detect.prefilter import Condition, Gate, Requirement

__all__ = [
    "cached_condition",
    "cached_gate",
    "cached_program_size",
    "cached_widened",
    "compiled_once",
    "derived",
    "entries",
    "flush",
    "known_valid",
    "mark_valid",
    "start_empty",
]

_Load = TypeVar("_Load", bound=Callable[..., Any])
_T = TypeVar("_T")


@dataclass
class _Cache:
    conditions: dict[str, Condition] = field(default_factory=dict)
    gates: dict[str, Gate] = field(default_factory=dict)
    valid: set[str] = field(default_factory=set)
    widened: dict[str, str | None] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # sha-256 of a pattern -> RE2's size
    dirty: bool = False
    derived: int = 0  # entries derived in this process (not found in the file or the seed)


_memory: _Cache | None = None


def _path() -> Path:
    base = os.environ.get("HARNESS_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "clinical-qa-harness"
    python = (
        f"py{sys.version_info.major}{sys.version_info.minor}"  # marshal's format is per version
    )
    return root / f"prefilter-{__version__}-{python}.marshal"


def _shared(conditions: dict[str, Condition]) -> dict[str, Condition]:
    """The same conditions with each distinct requirement one object, which marshal then
    writes once and refers to (750 KB in place of 6.5 MB for the shipped lexicons)."""
    seen: dict[Requirement, Requirement] = {}
    return {
        key: tuple(tuple(seen.setdefault(req, req) for req in alt) for alt in condition)
        for key, condition in conditions.items()
    }


SEED = "prefilter_seed.json.gz"


def _seed() -> _Cache:
    """The shipped lexicons' entries: requirements listed once, conditions by index."""
    try:
        data = json.loads(
            gzip.decompress(resources.files("harness.data").joinpath(SEED).read_bytes())
        )
        reqs = [
            frozenset((str(w), bool(whole)) for w, whole in req) for req in data["requirements"]
        ]
        conditions = {
            key: tuple(tuple(reqs[i] for i in alt) for alt in alts)
            for key, alts in data["conditions"].items()
        }
        gates = {k: None if g is None else frozenset(map(str, g)) for k, g in data["gates"].items()}
        widened = {str(k): None if w is None else str(w) for k, w in data["widened"].items()}
        sizes = {str(k): int(n) for k, n in data["sizes"].items()}
        return _Cache(conditions, gates, set(data["valid"]), widened, sizes, dirty=True)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return _Cache()


def _load() -> _Cache:
    global _memory
    if _memory is None:
        try:
            conditions, gates, valid, widened, sizes = marshal.loads(_path().read_bytes())
            _memory = _Cache(dict(conditions), dict(gates), set(valid), dict(widened), dict(sizes))
        except (OSError, ValueError, TypeError, EOFError):
            _memory = _seed()  # dirty: the first flush writes it as this machine's cache
    return _memory


def _kept(table: Callable[[_Cache], dict[str, _T]], key: str, derive: Callable[[], _T]) -> _T:
    """`key`'s entry in one of the cache's tables, derived and added when missing."""
    memory = _load()
    entries = table(memory)
    if key in entries:
        return entries[key]
    found = entries[key] = derive()
    memory.dirty = True
    memory.derived += 1
    return found


def cached_condition(key: str, derive: Callable[[], Condition]) -> Condition:
    return _kept(lambda m: m.conditions, key, derive)


def cached_gate(key: str, derive: Callable[[], Gate]) -> Gate:
    """A literal gate (prefilter.gate_literals) kept as the conditions are."""
    return _kept(lambda m: m.gates, key, derive)


def cached_widened(pattern: str, derive: Callable[[], str | None]) -> str | None:
    """A pattern widened for RE2 (rule_set.widened), kept as the conditions are."""
    return _kept(lambda m: m.widened, pattern, derive)


def cached_program_size(pattern: str, derive: Callable[[], int]) -> int:
    """The size of RE2's program for a (long) pattern, kept by the pattern's digest: compiling
    the shipped rules as one takes a tenth of a second."""
    return _kept(lambda m: m.sizes, hashlib.sha256(pattern.encode()).hexdigest(), derive)


def known_valid(pattern: str) -> bool:
    """Whether `pattern` compiled before (with this Python's `re`)."""
    return pattern in _load().valid


def mark_valid(pattern: str) -> None:
    memory = _load()
    if pattern not in memory.valid:
        memory.valid.add(pattern)
        memory.dirty = True
        memory.derived += 1


def flush() -> None:
    """Write new entries, atomically; silent when the folder cannot be written."""
    memory = _memory
    if memory is None or not memory.dirty:
        return
    path = _path()
    data = (
        _shared(memory.conditions),
        memory.gates,
        sorted(memory.valid),
        memory.widened,
        memory.sizes,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as fh:
            marshal.dump(data, fh)
        os.replace(fh.name, path)
        memory.dirty = False
    except OSError:
        pass


def compiled_once(load: _Load) -> _Load:
    """functools.cache for a function that compiles lexicon patterns; what it learned about them
    is written to the cache file when a first call ends."""

    @functools.wraps(load)
    def flushed(*args: Any) -> Any:
        try:
            return load(*args)
        finally:
            flush()

    return cast(_Load, functools.cache(flushed))


def start_empty() -> None:
    """Forget the file and the seed, as if neither existed (to write the seed afresh)."""
    global _memory
    _memory = _Cache()


def entries() -> _Cache:
    """What this process holds: conditions, gates, patterns known to compile, patterns widened
    for RE2 and the sizes of RE2's programs."""
    return _load()


def derived() -> int:
    """Entries derived in this process so far: 0 when the cache or the seed held them all."""
    return _load().derived
