from __future__ import annotations

from rich.console import Console

__all__ = ["PIPE_WIDTH", "stdout_console"]

PIPE_WIDTH = 160  # a log or a CI step summary is read wide; a terminal keeps its own width


def stdout_console() -> Console:
    """No markup and no emoji codes in what we echo: `openai:m:` is a model spec, not an emoji,
    and a path or group name may hold square brackets."""
    console = Console(emoji=False, markup=False)
    if console.is_terminal:
        return console
    return Console(emoji=False, markup=False, width=PIPE_WIDTH)
