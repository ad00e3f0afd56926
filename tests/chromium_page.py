"""Debian's headless chromium driven for the tests that render the HTML scorecard (the
`chromium` fixture in conftest.py hands out one)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["Chromium"]


class Chromium:
    """Debian's headless chromium on a local file: its DOM after rendering, or a screenshot."""

    FLAGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
    )

    def __init__(self, executable: str, profile: Path) -> None:
        self.command = [executable, *self.FLAGS, f"--user-data-dir={profile}"]

    def dom(self, page: Path) -> str:
        done = subprocess.run(
            [*self.command, "--dump-dom", page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )
        return done.stdout

    def screenshot(self, page: Path, png: Path, width: int, height: int) -> Path:
        subprocess.run(
            [*self.command, f"--screenshot={png}", f"--window-size={width},{height}"]
            + [page.resolve().as_uri()],
            capture_output=True,
            timeout=90,
            check=True,
        )
        return png
