"""Write a synthetic suite of N unique cases (N/4 scenarios x one two-valued axis, with one null
perturbation per group: reference, sibling and two nulls per scenario) for the benchmarks."""

from __future__ import annotations

from pathlib import Path

AXIS = """name: group
provenance: {source: benchmark fixture, licence: Apache-2.0}
reference: a
values:
  a: {forms: [{term: Alpha}, {term: Alfa}]}
  b: {forms: [{term: Beta}, {term: Bheta}]}
"""

TEMPLATE = (
    "Patient {{ n }} is a {{ age }}-year-old {{ group.term }} adult with chest pain for "
    "{{ minutes }} minutes. What should happen next?\n"
)


def write_suite(folder: Path, n_cases: int, model_block: str, samples: int = 1) -> Path:
    (folder / "axes").mkdir(parents=True, exist_ok=True)
    (folder / "prompts").mkdir(exist_ok=True)
    (folder / "axes" / "group.yaml").write_text(AXIS)
    (folder / "prompts" / "q.j2").write_text(TEMPLATE)
    lines = [
        "schema_version: 1",
        "name: bench",
        "prompts_dir: prompts",
        "structured_output: true",
        "axes: [group]",
        f"samples: {samples}",
        "models:",
        model_block,
        "thresholds: {min_vignettes: 5}",
        "scenarios:",
    ]
    for n in range(n_cases // 4):
        lines.append(
            f"  - {{id: s{n}, template: q.j2, variables: {{n: {n}, age: {30 + n % 50}, "
            f"minutes: {10 + n % 90}}}, decisions: [triage], gold: {{triage: emergency}}}}"
        )
    path = folder / "bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path
