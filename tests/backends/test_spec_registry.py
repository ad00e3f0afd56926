from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from harness.backends import ENTRY_POINT_GROUP, backend_names, create_backend, parse_spec
from harness.errors import BackendUnavailable, InputError


def test_spec_with_endpoint_and_options() -> None:
    spec = parse_spec("openai:my-model@http://127.0.0.1:8000/v1?timeout=5&response_format=none")
    assert spec.backend == "openai"
    assert spec.model == "my-model"
    assert spec.endpoint == "http://127.0.0.1:8000/v1"
    assert spec.options == {"timeout": "5", "response_format": "none"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("gpt-4o", "backend:model"),
        ("openai:", "backend:model"),
        ("openai:m@ftp://x", "must start with http"),
        ("openai:m@http://user:pw@host/v1", "credentials"),
        ("openai:m?novalue", "key=value"),
    ],
)
def test_bad_specs_are_input_errors(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_spec(text)


def test_unknown_backend_suggests_the_closest_name() -> None:
    with pytest.raises(InputError) as err:
        create_backend(parse_spec("opnai:gpt-4o"))
    assert "did you mean 'openai'?" in str(err.value)
    assert "local" in str(err.value)


def test_openai_without_key_or_endpoint_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        create_backend(parse_spec("openai:gpt-4o-mini"))


def test_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hide the installed openai SDK from the import system (a real ImportError path).
    monkeypatch.setitem(sys.modules, "openai", None)
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(BackendUnavailable, match=r"clinical-qa-harness\[openai\]"):
        create_backend(parse_spec("openai:gpt-4o-mini"))


def test_third_party_backend_through_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real distribution on sys.path, found by importlib.metadata like any installed plugin."""
    (tmp_path / "echo_plugin.py").write_text(
        textwrap.dedent(
            """
        from harness.backends import Backend, Response, Status

        class EchoBackend(Backend):
            name = "echo"

            async def complete(self, request):
                return Response(Status.ok, text=request.messages[-1].content.upper())
        """
        )
    )
    dist = tmp_path / "echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\necho = echo_plugin:EchoBackend\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "echo" in backend_names()
    backend = create_backend(parse_spec("echo:any"))
    assert type(backend).__name__ == "EchoBackend"
