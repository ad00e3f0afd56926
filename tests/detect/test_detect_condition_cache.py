"""The prefilter conditions kept on disk are the ones derived afresh, a pattern known to compile
is compiled only when first used, and a cache that cannot be written or read costs time only."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from harness.detect import condition_cache
from harness.detect.lexicon import compile_pattern, condition_of
from harness.detect.matcher import Matcher
from harness.detect.prefilter import condition, gate_literals
from harness.errors import InputError


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(condition_cache, "_memory", None)
    return tmp_path / "cache"


def _restart() -> None:
    """As in a new process: only the file is left."""
    condition_cache._memory = None


PATTERNS = [r"\bdrug[- ]?seek(?:ing|er)\b", r"\b(?:never|always) (?:need|see)\b", r"1\.159"]


def test_cached_conditions_equal_derived_ones_and_survive_a_restart(fresh_cache: Path) -> None:
    derived = [condition_of(Matcher.compile(p)) for p in PATTERNS]
    condition_cache.flush()
    files = list(fresh_cache.glob("prefilter-*.marshal"))
    assert len(files) == 1
    _restart()
    again = [condition_of(Matcher.compile(p)) for p in PATTERNS]
    assert again == derived
    body = Matcher.compile(PATTERNS[0])
    assert derived[0] == condition_of(body) and derived[0] != ()
    assert condition(r"\bneverx\b") != derived[1]  # a different pattern, a different entry


def test_patterns_widened_for_re2_and_program_sizes_survive_a_restart(fresh_cache: Path) -> None:
    from harness.detect.rule_set import widened

    calls: list[str] = []

    def derive(pattern: str) -> str | None:
        calls.append(pattern)
        return widened(pattern)

    found = [condition_cache.cached_widened(p, partial(derive, p)) for p in PATTERNS]
    size = condition_cache.cached_program_size(PATTERNS[0], lambda: 42)
    condition_cache.flush()
    _restart()
    assert [condition_cache.cached_widened(p, partial(derive, p)) for p in PATTERNS] == found
    assert condition_cache.cached_program_size(PATTERNS[0], lambda: 7) == size == 42
    assert calls == PATTERNS  # each derived once, before the restart
    assert found[2] == r"1\x{2e}159"


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
    for corrupt in (b"{not marshal", b"", b"\xe9\x00\x00\x00\x00"):
        (fresh_cache / condition_cache._path().name).write_bytes(corrupt)
        _restart()
        assert condition_of(Matcher.compile(PATTERNS[1])) == found


def test_literal_gates_are_kept_beside_the_conditions(fresh_cache: Path) -> None:
    gates = {p: gate_literals(p) for p in PATTERNS + [r"\w+"]}
    for pattern, gate in gates.items():
        assert condition_cache.cached_gate(pattern, partial(gate_literals, pattern)) == gate
    condition_of(Matcher.compile(PATTERNS[0]))
    condition_cache.flush()
    _restart()

    def underived() -> None:
        raise AssertionError("derived again")

    for pattern, gate in gates.items():
        assert condition_cache.cached_gate(pattern, underived) == gate
    assert condition_of(Matcher.compile(PATTERNS[0])) == condition(PATTERNS[0])


def test_a_pattern_known_to_compile_is_compiled_at_first_use_with_the_same_matches(
    fresh_cache: Path,
) -> None:
    text = "Drug-seeking? No: she would never need it. Drug seeker, drugseeking."
    first = compile_pattern(PATTERNS[0], "f.yaml", "patterns.0.regex")
    assert first._regex is not None  # unknown: compiled (and so checked) at once
    condition_cache.flush()
    _restart()
    again = compile_pattern(PATTERNS[0], "f.yaml", "patterns.0.regex")
    assert again._regex is None  # known from the file: not compiled yet
    assert [m.span() for m in again.finditer(text.lower())] == [
        m.span() for m in first.finditer(text.lower())
    ]
    assert len(list(first.finditer(text.lower()))) == 3
    assert again._regex is not None


def test_a_bad_pattern_is_an_input_error_every_time_never_remembered_as_valid(
    fresh_cache: Path,
) -> None:
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            compile_pattern(r"\b(?:unclosed", "mine.yaml", "patterns.3.regex")
        assert "mine.yaml" in str(caught.value) and "patterns.3.regex" in str(caught.value)
        assert "bad regular expression" in str(caught.value)
        condition_cache.flush()
        _restart()
    assert not condition_cache.known_valid(r"\b(?:unclosed")


def test_a_loader_marked_compiled_once_writes_what_it_learned_and_runs_once(
    fresh_cache: Path,
) -> None:
    calls: list[str] = []

    @condition_cache.compiled_once
    def load(pattern: str) -> Matcher:
        calls.append(pattern)
        return compile_pattern(pattern, "f.yaml", "x")

    assert load(PATTERNS[2]) is load(PATTERNS[2])
    assert calls == [PATTERNS[2]]
    assert list(fresh_cache.glob("prefilter-*.marshal"))
    _restart()
    assert condition_cache.known_valid(PATTERNS[2])


def test_the_shipped_seed_holds_every_entry_the_shipped_lexicons_need(tmp_path: Path) -> None:
    """On a fresh machine nothing is derived (11 s otherwise). When this fails, a shipped
    lexicon changed: run `python -m harness.detect.seed`."""
    code = (
        "from harness.detect import condition_cache, seed\n"
        "seed.load_shipped_lexicons(); print(condition_cache.derived())"
    )
    env = {**os.environ, "HARNESS_CACHE_DIR": str(tmp_path / "fresh")}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0", "run python -m harness.detect.seed"
    assert list((tmp_path / "fresh").glob("prefilter-*.marshal"))  # the seed, as this cache


def test_with_neither_cache_nor_seed_everything_is_derived_alike(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(condition_cache, "SEED", "no-such-seed.json.gz")
    found = condition_of(Matcher.compile(PATTERNS[0]))
    assert condition_cache.derived() == 2  # its condition, and the pattern widened for RE2
    assert found == condition(PATTERNS[0])
