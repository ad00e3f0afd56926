from __future__ import annotations

from rich.console import Console

__all__ = ["PIPE_WIDTH", "stdout_console"]

PIPE_WIDTH = 160  # a log or a CI step summary is read wide; a terminal keeps its own width


def stdout_console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=PIPE_WIDTH)
