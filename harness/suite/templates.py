"""Jinja2 in a sandbox: question templates and shared system prompts under prompts/."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness.errors import InputError

__all__ = ["TemplateRenderer"]


class TemplateRenderer:
    """Renders templates from one prompts folder; every failure becomes a one-line InputError
    naming the template (or the suite field that asked for it)."""

    def __init__(self, prompts_dir: Path) -> None:
        self.prompts_dir = prompts_dir
        self._env = ImmutableSandboxedEnvironment(
            loader=FileSystemLoader(str(prompts_dir)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def check_exists(self, name: str, suite_file: Path, field: str) -> None:
        try:
            self._env.get_template(name)
        except TemplateNotFound as exc:
            missing = exc.name if exc.name != name else name
            raise InputError(
                suite_file, field, f"template {missing!r} not found under {self.prompts_dir}"
            ) from None
        except TemplateSyntaxError as exc:
            raise self._syntax_error(exc) from None
        except UnicodeDecodeError:
            raise InputError(self.prompts_dir / name, "", "not UTF-8 text") from None

    def render(self, name: str, context: Mapping[str, Any], suite_file: Path, field: str) -> str:
        try:
            text = self._env.get_template(name).render(context)
        except TemplateNotFound as exc:
            raise InputError(
                suite_file, field, f"template {exc.name!r} not found under {self.prompts_dir}"
            ) from None
        except TemplateSyntaxError as exc:
            raise self._syntax_error(exc) from None
        except SecurityError as exc:
            raise InputError(
                self.prompts_dir / name,
                "",
                f"refused: template reaches for Python internals ({exc})",
            ) from None
        except UndefinedError as exc:
            raise InputError(
                suite_file, field, f"template {name!r}: {exc.message} (add it to variables)"
            ) from None
        except RecursionError:
            raise InputError(
                self.prompts_dir / name, "", "template error: it includes itself (an include loop)"
            ) from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            detail = f"{type(exc).__name__}: {exc}" if isinstance(exc, LookupError) else str(exc)
            raise InputError(self.prompts_dir / name, "", f"template error: {detail}") from None
        return text.strip()

    def _syntax_error(self, exc: TemplateSyntaxError) -> InputError:
        file = exc.filename or exc.name or str(self.prompts_dir)
        return InputError(file, f"line {exc.lineno}", f"template syntax error: {exc.message}")
