"""What a run's prompts were made from, as hashes: the suite file, each axis file, and every
template a scenario or the system prompt uses (includes followed). Two scorecards with the same
fingerprint asked the same questions."""

from __future__ import annotations

import hashlib
from pathlib import Path

from jinja2 import Environment, meta

from harness.suite.loader import LoadedSuite

__all__ = ["suite_fingerprint"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _templates(prompts_dir: Path, roots: list[str]) -> dict[str, str]:
    env = Environment(autoescape=False)
    seen: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        path = prompts_dir / name
        if name in seen or not path.is_file():
            continue
        seen[name] = _sha256(path)
        source = path.read_text(encoding="utf-8")
        todo.extend(n for n in meta.find_referenced_templates(env.parse(source)) if n)
    return dict(sorted(seen.items()))


def suite_fingerprint(loaded: LoadedSuite) -> dict[str, dict[str, str]]:
    suite = loaded.suite
    prompts_dir = loaded.renderer.prompts_dir
    roots = [s.template for s in suite.scenarios]
    if suite.system_prompt:
        roots.append(suite.system_prompt)
    axes_dir = loaded.path.parent / suite.axes_dir
    axes = {
        name: _sha256(axes_dir / f"{name}.yaml")
        for name in loaded.axes
        if (axes_dir / f"{name}.yaml").is_file()
    }
    return {
        "suite": {loaded.path.name: _sha256(loaded.path)},
        "axes": dict(sorted(axes.items())),
        "templates": _templates(prompts_dir, roots),
    }
