from __future__ import annotations

import sqlite3
from pathlib import Path

from harness.backends import Request, Response, Status
from harness.expand import Message
from harness.store import MIGRATIONS, ResponseStore

REQUEST = Request(messages=(Message("user", "hi"),), model="m", temperature=0.0, max_tokens=8)
IDENTITY = {"backend": "local", "endpoint": None, "options": {}}


def _put(store: ResponseStore, key: str, response: Response) -> None:
    store.put(key, backend="local", model="m", case_id="c1", request=REQUEST, response=response)


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    ResponseStore(path).close()
    ResponseStore(path).close()
    names = [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_only_answers_are_served_and_failures_never_overwrite_them(tmp_path: Path) -> None:
    key = REQUEST.cache_key(IDENTITY)
    with ResponseStore(tmp_path / "h.sqlite") as store:
        _put(store, key, Response(Status.rate_limited, error="429"))
        assert store.get(key) is None
        _put(store, key, Response(Status.ok, text="answer", output_tokens=3))
        _put(store, key, Response(Status.transient, error="502"))
        hit = store.get(key)
        assert hit is not None and hit.text == "answer" and hit.output_tokens == 3
        stats = store.stats()
        assert (stats.rows, stats.ok, stats.failed) == (1, 1, 0)


def test_answers_survive_a_new_connection(tmp_path: Path) -> None:
    key = REQUEST.cache_key(IDENTITY)
    with ResponseStore(tmp_path / "h.sqlite") as store:
        _put(store, key, Response(Status.ok, text="kept"))
    with ResponseStore(tmp_path / "h.sqlite") as store:
        hit = store.get(key)
    assert hit is not None and hit.text == "kept"


def test_cache_key_covers_what_changes_the_answer() -> None:
    base = REQUEST.cache_key(IDENTITY)
    assert base == REQUEST.cache_key(dict(IDENTITY))
    variants = [
        Request(messages=(Message("user", "hi!"),), model="m", temperature=0.0, max_tokens=8),
        Request(messages=REQUEST.messages, model="m2", temperature=0.0, max_tokens=8),
        Request(messages=REQUEST.messages, model="m", temperature=0.5, max_tokens=8),
        Request(messages=REQUEST.messages, model="m", temperature=0.0, max_tokens=8, sample=1),
        Request(messages=REQUEST.messages, model="m", temperature=0.0, max_tokens=8, seed=1),
    ]
    keys = {v.cache_key(IDENTITY) for v in variants}
    assert base not in keys and len(keys) == len(variants)
    assert REQUEST.cache_key({**IDENTITY, "endpoint": "http://127.0.0.1:1/v1"}) != base


def test_clear_by_model(tmp_path: Path) -> None:
    with ResponseStore(tmp_path / "h.sqlite") as store:
        _put(store, "k1", Response(Status.ok, text="a"))
        store.put(
            "k2",
            backend="openai",
            model="x",
            case_id="c",
            request=REQUEST,
            response=Response(Status.ok, text="b"),
        )
        assert store.clear("local:m") == 1
        assert store.get("k1") is None and store.get("k2") is not None


def test_every_request_field_but_meta_is_in_the_cache_key() -> None:
    """A field added to Request must change the key (or be listed here as deliberately not)."""
    from dataclasses import fields, replace

    changed = {
        "messages": (Message("user", "other"),),
        "model": "m2",
        "temperature": 0.3,
        "max_tokens": 9,
        "sample": 4,
        "seed": 5,
        "top_p": 0.5,
        "repeat_penalty": 1.2,
        "response_schema": {"type": "object"},
    }
    names = {f.name for f in fields(REQUEST)} - {"meta"}
    assert names == set(changed)
    base = REQUEST.cache_key(IDENTITY)
    for name, value in changed.items():
        assert replace(REQUEST, **{name: value}).cache_key(IDENTITY) != base, name
    assert replace(REQUEST, meta={"case_id": "x"}).cache_key(IDENTITY) == base


def test_assessments_round_trip_in_chunks_and_go_with_a_clear(tmp_path: Path) -> None:
    stored = {f"k{i}": f'{{"flags": [], "n": {i}}}' for i in range(1203)}  # three chunks
    with ResponseStore(tmp_path / "h.sqlite") as store:
        store.put_assessments(stored)
        wanted = [*stored, "missing", "k0"]
        assert store.assessments(wanted) == stored
        assert store.stats().assessments == 1203
        _put(store, "r", Response(Status.ok, text="answer"))
        store.clear("local:other")  # any clear: assessments are derived, keyed by text
        assert store.assessments(wanted) == {} and store.get("r") is not None
