"""Backend names -> classes, imported only when a model needs them.

Built-ins are listed here; third-party packages add backends through the entry-point group
`harness.backends` (name = backend name, value = `module:Class`), which is read only when a name
is not built in, so startup never scans installed packages.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from dataclasses import dataclass
from importlib.metadata import entry_points

from harness.backends.base import Backend
from harness.backends.spec import ModelSpec
from harness.errors import BackendUnavailable, InputError

__all__ = ["BUILTIN_BACKENDS", "ENTRY_POINT_GROUP", "backend_names", "create_backend"]

ENTRY_POINT_GROUP = "harness.backends"


@dataclass(frozen=True)
class _Builtin:
    target: str  # module:Class
    requires: tuple[str, ...]  # importable modules the backend needs
    extra: str  # the pip extra that installs them


BUILTIN_BACKENDS: dict[str, _Builtin] = {
    "local": _Builtin("harness.backends.local:LocalBackend", ("llama_cpp",), "local"),
    "openai": _Builtin("harness.backends.openai:OpenAIBackend", ("openai",), "openai"),
    "anthropic": _Builtin(
        "harness.backends.anthropic:AnthropicBackend", ("anthropic",), "anthropic"
    ),
    "litellm": _Builtin("harness.backends.litellm:LiteLLMBackend", ("litellm",), "litellm"),
    "sim": _Builtin("harness.backends.sim:SimBackend", (), ""),
    "replay": _Builtin("harness.backends.replay:ReplayBackend", (), ""),
}


def _plugin_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def backend_names() -> list[str]:
    return sorted({*BUILTIN_BACKENDS, *_plugin_names()})


def _import(target: str) -> type[Backend]:
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise TypeError(f"{target} is not a harness Backend subclass")
    return cls


def _resolve(spec: ModelSpec) -> type[Backend]:
    builtin = BUILTIN_BACKENDS.get(spec.backend)
    if builtin is not None:
        for module in builtin.requires:
            if importlib.util.find_spec(module) is None:
                raise BackendUnavailable(
                    f"the {spec.backend} backend needs the Python package {module!r}: "
                    f"pip install 'clinical-qa-harness[{builtin.extra}]'"
                )
        return _import(builtin.target)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == spec.backend:
            return _import(ep.value)
    known = backend_names()
    close = difflib.get_close_matches(spec.backend, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise InputError(
        "--model", spec.text, f"unknown backend {spec.backend!r}; {hint}known: {', '.join(known)}"
    )


def create_backend(spec: ModelSpec) -> Backend:
    return _resolve(spec)(spec.model, spec.endpoint, spec.options)
