from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from rich.table import Table

from harness.cli.console import stdout_console
from harness.errors import InputError

__all__ = ["command"]

_OPEN = click.FloatRange(0.0, 1.0, min_open=True, max_open=True)


def _points(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} pts"


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


@click.command("plan")
@click.argument("suite", required=False, type=click.Path(path_type=Path))
@click.option(
    "--effect",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Difference in a decision's rate to detect (0.05 = 5 points).",
)
@click.option(
    "--flip-rate",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Expected share of discordant pairs (noise included).",
)
@click.option("--power", default=0.8, show_default=True, type=_OPEN)
@click.option("--alpha", default=0.05, show_default=True, type=_OPEN, help="Before Holm.")
@click.option(
    "--samples",
    type=click.IntRange(1, 1000),
    help="Plan for this many samples per case instead of the suite's (as `harness run --samples`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def command(
    suite: Path | None,
    effect: float,
    flip_rate: float,
    power: float,
    alpha: float,
    samples: int | None,
    as_json: bool,
) -> None:
    """How many vignettes, samples and calls SUITE (default: the bundled demo) needs to detect
    EFFECT in a binary decision (exact paired McNemar, Holm over the planned tests), and the
    smallest difference it can detect as written."""
    from harness.expand import expand_suite
    from harness.metrics.power import plan_suite
    from harness.suite import default_suite_path, load_suite

    if effect > flip_rate:
        raise InputError(
            None,
            "--effect",
            f"{effect} cannot exceed --flip-rate {flip_rate} (p10 - p01 <= p10 + p01)",
        )
    loaded = load_suite(suite or default_suite_path())
    if samples is not None:
        loaded = dataclasses.replace(
            loaded, suite=loaded.suite.model_copy(update={"samples": samples})
        )
    plan = plan_suite(
        loaded, expand_suite(loaded), effect=effect, flip_rate=flip_rate, alpha=alpha, power=power
    )
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(plan), indent=2))
        return
    table = Table(
        title=(
            f"{plan.suite}: paired McNemar at {plan.power:.0%} power, flip rate {plan.flip_rate:g},"
            f" effect {_points(plan.effect)} ({loaded.path})"
        )
    )
    columns = ("axis", "groups", "vignettes", "samples", "pairs/group", "tests", "power")
    for column in (*columns, "detectable", "vignettes needed", "calls needed"):
        table.add_column(column, justify="left" if column == "axis" else "right")
    for axis in plan.axes:
        table.add_row(
            axis.axis,
            str(axis.groups),
            str(axis.vignettes),
            str(axis.samples),
            str(axis.pairs_per_group),
            str(axis.tests),
            f"{axis.power_as_written:.0%}" if axis.power_as_written >= 0.01 else "<1%",
            _points(axis.smallest_detectable),
            _count(axis.vignettes_needed),
            _count(axis.calls_needed),
        )
    console = stdout_console()
    console.print(table)
    fewest = min((a.pairs_per_group for a in plan.axes), default=0)
    if plan.tests == 0:
        console.print("No categorical decision in this suite: no rate tests; one test assumed.")
    for line in (
        f"Holm over {plan.tests} tests per model (decision values x sibling groups x axes): "
        f"alpha {plan.alpha:g} -> {plan.alpha_per_test:.2g} per test at the strictest step.",
        f"{_points(plan.effect)} needs {_count(plan.pairs_needed)} independent pairs per group; "
        f"this suite has {fewest:,} on its thinnest axis.",
        f"Calls as written: {plan.calls:,} ({plan.models} model(s)); to detect "
        f"{_points(plan.effect)} on every axis: {_count(plan.calls_needed)}.",
        f"detectable '-': no difference reaches {plan.power:.0%} power with these pairs.",
    ):
        console.print(line)
