"""The gate's result as Markdown, for a CI step summary ($GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.gate.baseline import Regression
from harness.gate.gate import GateResult, JudgedVerdict

__all__ = ["gate_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _row(j: JudgedVerdict) -> str:
    v = j.verdict
    cells = [
        j.model,
        j.axis,
        v.metric,
        v.verdict + (f" ({v.severity})" if v.severity else ""),
        f"{_num(v.value)} [{_num(v.ci_low)}, {_num(v.ci_high)}]",
        f"{v.threshold:g}",
        v.reason,
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def gate_markdown(run_id: str, result: GateResult, regressions: Sequence[Regression] = ()) -> str:
    passed = result.passed and not regressions
    head = "✅ passed" if passed else "❌ failed"
    lines = [
        f"## harness gate: {head}",
        "",
        f"Run `{run_id}`: {len(result.judged)} verdicts checked, {len(result.failures)} failing "
        f"(failing verdicts: {', '.join(sorted(result.fail_on))}); "
        f"{len(regressions)} regressions against the baseline.",
        "",
    ]
    if result.failures:
        lines += [
            "| Model | Axis | Metric | Verdict | Value [95% CI] | Threshold | Reason |",
            "| --- | --- | --- | --- | ---: | ---: | --- |",
            *(_row(j) for j in result.failures),
            "",
        ]
    if regressions:
        lines += ["| Regression | |", "| --- | --- |"]
        lines += [f"| {_cell(r.id)} | {_cell(r.reason)} |" for r in regressions]
        lines.append("")
    return "\n".join(lines) + "\n"
