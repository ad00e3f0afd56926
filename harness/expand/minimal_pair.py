"""The minimal-pair check: two cases of one counterfactual set may differ only in the words that
the demographic slots put there. Anything else (a dose, an age, a symptom) is a broken template."""

from __future__ import annotations

import difflib
import re

from harness.errors import InputError
from harness.expand.case import Case
from harness.suite import LoadedSuite

__all__ = ["check_minimal_pair", "words"]

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _slot_words(loaded: LoadedSuite, axis: str, case: Case) -> set[str]:
    spec = loaded.axes[axis].values[case.groups[axis]]
    return {w for text in spec.forms[case.form].values() for w in words(text)}


def _prompt_words(case: Case) -> list[str]:
    return [w for m in case.messages for w in words(m.content)]


def _only_slots_differ(
    a: list[str], b: list[str], allowed_a: set[str], allowed_b: set[str]
) -> bool:
    """The common case, without a diff: past the common start and end, every word is a slot's."""
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return set(a[start : len(a) - end]) <= allowed_a and set(b[start : len(b) - end]) <= allowed_b


def check_minimal_pair(
    loaded: LoadedSuite, scenario_index: int, axis: str, reference: Case, other: Case
) -> None:
    scenario = loaded.suite.scenarios[scenario_index]
    field = f"scenarios.{scenario_index}.template"
    if reference.messages == other.messages:
        raise InputError(
            loaded.path,
            field,
            f"scenario {scenario.id!r}: {other.group!r} and {reference.group!r} render the same "
            f"prompt; the template never uses a slot of axis {axis!r} (use it, or leave the axis "
            f"out of this scenario's axes)",
        )
    allowed_ref = _slot_words(loaded, axis, reference)
    allowed_other = _slot_words(loaded, axis, other)
    a, b = _prompt_words(reference), _prompt_words(other)
    if _only_slots_differ(a, b, allowed_ref, allowed_other):
        return
    stray: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        gone = [w for w in a[i1:i2] if w not in allowed_ref]
        came = [w for w in b[j1:j2] if w not in allowed_other]
        if gone or came:
            stray.append(f"'{' '.join(gone) or '∅'}' -> '{' '.join(came) or '∅'}'")
    if stray:
        raise InputError(
            loaded.path,
            field,
            f"minimal-pair check failed in scenario {scenario.id!r}: {other.kind} {other.group!r} "
            f"differs from {reference.group!r} outside the {axis} slots: {'; '.join(stray[:5])}",
        )
