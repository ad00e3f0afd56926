"""The errors the harness raises on purpose.

    HarnessError                 anything the user can act on; the CLI prints it on one line
    ├── InputError               a bad suite, axis, template, table or model spec: exit 2
    │                            carries (file, field, reason) and prints "file: field: reason"
    └── BackendUnavailable       an optional SDK or model file is missing: names the extra

Bugs are not HarnessErrors: they keep their tracebacks.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BackendUnavailable", "HarnessError", "InputError"]


class HarnessError(Exception):
    exit_code = 1


class InputError(HarnessError):
    exit_code = 2

    def __init__(self, file: str | Path | None, field: str, reason: str) -> None:
        self.file = str(file) if file is not None else None
        self.field = field
        self.reason = reason
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.file, self.field) if p]
        reason = " ".join(self.reason.split())
        return ": ".join([*parts, reason])


class BackendUnavailable(HarnessError):
    exit_code = 2
