"""Suite file -> LoadedSuite: the validated suite, its axes and a renderer for its templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from harness.errors import InputError
from harness.suite.axis import Axis
from harness.suite.model import Suite
from harness.suite.templates import TemplateRenderer
from harness.suite.yaml_file import read_yaml_mapping, validation_to_input_error

__all__ = ["LoadedSuite", "load_axis", "load_suite"]


@dataclass(frozen=True)
class LoadedSuite:
    suite: Suite
    path: Path
    axes: dict[str, Axis]
    renderer: TemplateRenderer

    def scenario_axes(self, index: int) -> list[str]:
        chosen = self.suite.scenarios[index].axes
        return list(self.axes) if chosen is None else chosen


def load_axis(path: Path) -> Axis:
    data = read_yaml_mapping(path)
    try:
        axis = Axis.model_validate(data)
    except ValidationError as exc:
        raise validation_to_input_error(path, exc) from None
    if axis.name != path.stem:
        raise InputError(
            path, "name", f"axis {axis.name!r} must live in a file named {axis.name}.yaml"
        )
    return axis


def _load_axes(suite: Suite, path: Path) -> dict[str, Axis]:
    axes_dir = (path.parent / suite.axes_dir).resolve()
    axes: dict[str, Axis] = {}
    for i, entry in enumerate(suite.axes):
        if isinstance(entry, str):
            file = axes_dir / f"{entry}.yaml"
            if not file.is_file():
                known = sorted(p.stem for p in axes_dir.glob("*.yaml")) if axes_dir.is_dir() else []
                hint = f" (known: {', '.join(known)})" if known else ""
                raise InputError(path, f"axes.{i}", f"unknown axis {entry!r}: no file {file}{hint}")
            axis = load_axis(file)
        else:
            try:
                axis = Axis.model_validate(entry)
            except ValidationError as exc:
                raise validation_to_input_error(path, exc, prefix=f"axes.{i}") from None
        if axis.name in axes:
            raise InputError(path, f"axes.{i}", f"axis {axis.name!r} is listed twice")
        axes[axis.name] = axis
    return axes


def _check_names(path: Path, field: str, names: list[str], axes: dict[str, Axis]) -> None:
    for j, name in enumerate(names):
        if name not in axes:
            raise InputError(
                path, f"{field}.{j}", f"unknown axis {name!r}; the suite's axes: {', '.join(axes)}"
            )


def load_suite(path: str | Path) -> LoadedSuite:
    path = Path(path)
    data = read_yaml_mapping(path)
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        raise validation_to_input_error(path, exc) from None

    axes = _load_axes(suite, path)
    _check_names(path, "design.factorial", suite.design.factorial, axes)

    prompts_dir = (path.parent / suite.prompts_dir).resolve()
    if not prompts_dir.is_dir():
        raise InputError(path, "prompts_dir", f"folder {prompts_dir} does not exist")
    renderer = TemplateRenderer(prompts_dir)
    if suite.system_prompt is not None:
        renderer.check_exists(suite.system_prompt, path, "system_prompt")

    seen: dict[str, int] = {}
    for i, scenario in enumerate(suite.scenarios):
        if scenario.id in seen:
            raise InputError(
                path,
                f"scenarios.{i}.id",
                f"duplicate id {scenario.id!r} (also scenarios.{seen[scenario.id]})",
            )
        seen[scenario.id] = i
        _check_names(path, f"scenarios.{i}.clinically_relevant", scenario.clinically_relevant, axes)
        if scenario.axes is not None:
            _check_names(path, f"scenarios.{i}.axes", scenario.axes, axes)
        renderer.check_exists(scenario.template, path, f"scenarios.{i}.template")
    return LoadedSuite(suite=suite, path=path, axes=axes, renderer=renderer)
