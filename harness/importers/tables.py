"""Reading the published files: CSV and JSON Lines, every failure a one-line InputError."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from harness.errors import InputError

__all__ = ["read_csv_rows", "read_jsonl"]


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "", "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "", "is a directory, not a file") from None
    except UnicodeDecodeError:
        raise InputError(path, "", "not UTF-8 text") from None


def read_csv_rows(path: Path) -> list[list[str]]:
    """Every row, the first included (some published files have no header)."""
    try:
        return [row for row in csv.reader(_text(path).splitlines()) if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise InputError(path, "", f"not a CSV file: {exc}") from None


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line."""
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"line {number}", f"not JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise InputError(path, f"line {number}", "expected a JSON object")
        rows.append((number, obj))
    return rows
