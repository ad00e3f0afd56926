"""Reports rendered from a Scorecard: Markdown, a standalone HTML page, a terminal summary."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from harness.errors import InputError
from harness.metrics.scorecard import SCHEMA_VERSION, Scorecard
from harness.report.html import render_html
from harness.report.markdown import render_markdown
from harness.report.terminal import summary_table

__all__ = ["load_scorecard", "render_html", "render_markdown", "summary_table"]


def load_scorecard(path: Path) -> Scorecard:
    """Read a run's scorecard.json for `harness report`: a file from a newer harness or a
    damaged file is the user's to fix, so it is an InputError, not a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, "", exc.strerror or str(exc)) from exc
    try:
        card = Scorecard.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InputError(path, field, first["msg"]) from exc
    if card.schema_version > SCHEMA_VERSION:
        reason = f"written by a newer harness (schema {card.schema_version} > {SCHEMA_VERSION})"
        raise InputError(path, "schema_version", reason)
    return card
