from __future__ import annotations

from pathlib import Path

import click

from harness.cli.console import stdout_console

__all__ = ["command"]


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
def command(run_dir: Path) -> None:
    """Render RUN_DIR/scorecard.json again as scorecard.md and scorecard.html."""
    from harness.history.trends import scorecard_trends
    from harness.pipeline import STORE_NAME
    from harness.report import load_scorecard, render_html, render_markdown, summary_table

    card = load_scorecard(run_dir / "scorecard.json")
    trends = scorecard_trends(run_dir.parent / STORE_NAME, card)
    (run_dir / "scorecard.md").write_text(render_markdown(card), encoding="utf-8")
    (run_dir / "scorecard.html").write_text(render_html(card, trends=trends), encoding="utf-8")
    console = stdout_console()
    console.print(summary_table(card))
    console.print(f"wrote {run_dir / 'scorecard.md'} and {run_dir / 'scorecard.html'}")
