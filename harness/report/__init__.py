"""Reports rendered from a Scorecard: Markdown, a standalone HTML page, a terminal summary."""

from harness.report.html import render_html
from harness.report.markdown import render_markdown
from harness.report.terminal import summary_table

__all__ = ["render_html", "render_markdown", "summary_table"]
