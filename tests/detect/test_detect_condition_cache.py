"""The prefilter conditions kept on disk are the ones derived afresh, and a cache that cannot
be written or read costs time only."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from harness.detect import condition_cache
from harness.detect.lexicon import condition_of
from harness.detect.matcher import Matcher
from harness.detect.prefilter import condition, gate_literals


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(condition_cache, "_memory", None)
    monkeypatch.setattr(condition_cache, "_dirty", False)
    return tmp_path / "cache"


PATTERNS = [r"\bdrug[- ]?seek(?:ing|er)\b", r"\b(?:never|always) (?:need|see)\b", r"1\.159"]


def test_cached_conditions_equal_derived_ones_and_survive_a_restart(fresh_cache: Path) -> None:
    derived = [condition_of(Matcher.compile(p)) for p in PATTERNS]
    condition_cache.flush()
    files = list(fresh_cache.glob("prefilter-conditions-*.json"))
    assert len(files) == 1
    condition_cache._memory = None  # a new process: only the file is left
    again = [condition_of(Matcher.compile(p)) for p in PATTERNS]
    assert again == derived
    body = Matcher.compile(PATTERNS[0])
    assert derived[0] == condition_of(body) and derived[0] != ()
    assert condition(r"\bneverx\b") != derived[1]  # a different pattern, a different entry


def test_an_unwritable_or_corrupt_cache_costs_time_only(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(blocker))
    found = condition_of(Matcher.compile(PATTERNS[1]))
    condition_cache.flush()  # cannot create a folder inside a file: silently skipped
    assert found != ()
    fresh_cache.mkdir(parents=True)
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(fresh_cache))
    (fresh_cache / condition_cache._path().name).write_text("{not json")
    monkeypatch.setattr(condition_cache, "_memory", None)
    assert condition_of(Matcher.compile(PATTERNS[1])) == found


def test_literal_gates_are_kept_beside_the_conditions(fresh_cache: Path) -> None:
    gates = {p: gate_literals(p) for p in PATTERNS + [r"\w+"]}
    for pattern, gate in gates.items():
        assert condition_cache.cached_gate(pattern, partial(gate_literals, pattern)) == gate
    condition_of(Matcher.compile(PATTERNS[0]))
    condition_cache.flush()
    condition_cache._memory = None  # a new process: only the file is left

    def underived() -> None:
        raise AssertionError("derived again")

    for pattern, gate in gates.items():
        assert condition_cache.cached_gate(pattern, underived) == gate
    assert condition_of(Matcher.compile(PATTERNS[0])) == condition(PATTERNS[0])
