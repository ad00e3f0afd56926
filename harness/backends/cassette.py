"""Cassettes: recorded answers in a plain, reviewable JSONL file, one answer a line, sorted so
that a re-recording diffs cleanly. Keyed by what the case fixes (messages, response schema,
sample), not by the model that answered, so that a replay stands in for it. No secrets: only
the request's messages and the answer are written."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.backends.base import Request
from harness.errors import InputError
from harness.expand import canonical_json

__all__ = [
    "CASSETTE_SUFFIX",
    "CassetteEntry",
    "describe_miss",
    "fingerprint",
    "read_cassette",
    "write_cassette",
]

CASSETTE_SUFFIX = ".cassette.jsonl"


def fingerprint(request: Request) -> str:
    payload = {
        "messages": request.chat_messages(),
        "schema": request.response_schema,
        "sample": request.sample,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class CassetteEntry:
    fingerprint: str
    scenario_id: str
    groups: dict[str, str]
    sample: int
    messages: list[dict[str, str]]
    text: str
    finish_reason: str | None
    input_tokens: int | None
    output_tokens: int | None
    recorded_from: str

    def sort_key(self) -> tuple[str, str, int]:
        return (self.scenario_id, canonical_json(self.groups), self.sample)


def write_cassette(path: Path, entries: Iterable[CassetteEntry]) -> int:
    unique = {e.fingerprint: e for e in entries}
    ordered = sorted(unique.values(), key=CassetteEntry.sort_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for entry in ordered:
            fh.write(json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)
    return len(ordered)


def read_cassette(path: Path) -> list[CassetteEntry]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(
            path, "", "cassette not found (record one with harness run --record)"
        ) from None
    except UnicodeDecodeError:
        raise InputError(path, "", "not UTF-8 text") from None
    entries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(CassetteEntry(**json.loads(line)))
        except (json.JSONDecodeError, TypeError) as exc:
            raise InputError(path, f"line {number}", f"not a cassette entry: {exc}") from None
    return entries


def _words(text: str) -> list[str]:
    return text.split()


def _message_change(old: list[dict[str, str]], new: list[dict[str, str]]) -> str:
    if [m["role"] for m in old] != [m["role"] for m in new]:
        return "the message roles changed"
    for before, after in zip(old, new, strict=True):
        if before["content"] == after["content"]:
            continue
        a, b = _words(before["content"]), _words(after["content"])
        changes = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                changes.append(f"'{' '.join(a[i1:i2]) or '∅'}' -> '{' '.join(b[j1:j2]) or '∅'}'")
        return f"the {before['role']} prompt changed: {'; '.join(changes[:3])}"
    return "the response schema changed"


def describe_miss(request: Request, entries: Iterable[CassetteEntry]) -> str:
    meta: Mapping[str, Any] = request.meta
    scenario, groups = meta.get("scenario_id", "?"), dict(meta.get("groups", {}))
    case = (
        f"case {meta.get('case_id', '?')} (scenario {scenario}, {groups}, sample {request.sample})"
    )
    same_scenario = [e for e in entries if e.scenario_id == scenario]
    twin = next(
        (e for e in same_scenario if e.groups == groups and e.sample == request.sample), None
    )
    if twin is not None:
        change = _message_change(twin.messages, request.chat_messages())
        return f"no recorded answer for {case}: {change}"
    return (
        f"no recorded answer for {case}: the cassette has {len(same_scenario)} answers for this "
        "scenario but none for these groups and sample"
    )
