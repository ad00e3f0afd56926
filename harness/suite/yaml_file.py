"""Reading a YAML file strictly: UTF-8, no duplicate keys, a mapping at the top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.errors import InputError

__all__ = ["read_yaml_mapping", "validation_to_input_error"]


# libyaml's parser when PyYAML was built with it: about ten times faster on large suites.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    """Rejects a key written twice in one mapping; keys merged in with `<<` may be overridden."""
    seen: dict[Any, int] = {}
    explicit = [k for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"]
    for key_node in explicit:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found unhashable key", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "", "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "", "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, "", f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(path, where, f"bad YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, "", f"bad YAML: {exc}") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise InputError(path, "", f"the file must be a YAML mapping, but it is {kind}")
    return data


_UNION_TAGS = {"str", "dict[str,any]", "int", "float", "bool", "list[union[str,int,float,bool]]"}

_FRIENDLY = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def validation_to_input_error(
    path: Path | str, exc: ValidationError, prefix: str = ""
) -> InputError:
    """One pydantic error as one line; `loc` becomes a dotted path."""
    errors = exc.errors()
    # An unknown key is most often the cause of the rest (a typo), so it is reported first.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = ".".join(str(p) for p in err["loc"] if p not in _UNION_TAGS)
    field = ".".join(p for p in (prefix, loc) if p) or "(top level)"
    msg = _FRIENDLY.get(err["type"], str(err["msg"]))
    msg = msg.removeprefix("Value error, ")
    if err["type"] not in _FRIENDLY and "input" in err and not isinstance(err["input"], dict):
        shown = repr(err["input"])
        if len(shown) <= 60:
            msg = f"{msg} (got {shown})"
    return InputError(path, field, msg)
