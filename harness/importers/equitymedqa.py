"""EquityMedQA counterfactual files (equitymedqa_cc_manual.csv, equitymedqa_cc_llm.csv): no
header, each row a counterfactual set of two (or more) questions that differ in one attribute.

The differing words of a row become the values of an axis of its own (the attribute is not
labelled in the data), so the minimal-pair check holds by construction. The questions are open
(no decision is asked), so the suite asks for no structured tail and extracts triage from free
text, where there is any."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.importers.suite_writer import ImportedScenario, ImportedSuite, split_variants
from harness.importers.tables import read_csv_rows

__all__ = ["read_equitymedqa"]

HEADER = (
    "Imported from EquityMedQA (Pfohl SR, Cole-Lewis H, Sayres R, et al. A toolbox for surfacing",
    "health equity harms and biases in large language models. Nat Med 2024;30:3590-3600).",
    "Data: github.com/google-research-datasets/equitymedqa, licence CC-BY-4.0 (c) Google LLC.",
    "Each row of the counterfactual file is one scenario with an axis of its own; its values are",
    "the words in which the row's questions differ (a, b, ...; a is the reference).",
)


def _title(text: str) -> str:
    return text if len(text) <= 80 else text[:77].rstrip() + "..."


def read_equitymedqa(path: Path, *, limit: int | None = None) -> ImportedSuite:
    rows = read_csv_rows(path)
    stem = "".join(c if c.isalnum() else "_" for c in path.stem.lower()).strip("_")
    prefix = "cc_llm" if "llm" in stem else "cc_manual" if "manual" in stem else "cc"
    scenarios: list[ImportedScenario] = []
    axes: list[dict[str, Any]] = []
    skipped = 0
    for number, row in enumerate(rows, start=1):
        questions = [" ".join(c.split()) for c in row if c.strip()]
        if len(questions) < 2:
            raise InputError(
                path, f"row {number}", f"needs two question columns, found {len(questions)}"
            )
        try:
            before, middles, after = split_variants(questions)
        except ValueError:
            skipped += 1  # the row's questions are the same text: no counterfactual to ask
            continue
        name = f"{prefix}_{number:04d}"
        letters = "abcdefghijklmnopqrstuvwxyz"[: len(middles)]
        axes.append(
            {
                "name": name,
                "description": f"row {number} of {path.name}",
                "reference": "a",
                "values": {
                    letter: {"label": middle, "forms": [{"text": middle}]}
                    for letter, middle in zip(letters, middles, strict=True)
                },
            }
        )
        scenarios.append(
            ImportedScenario(
                id=name,
                title=_title(questions[0]),
                body=f"{{{{ before }}}}{{{{ {name}.text }}}}{{{{ after }}}}",
                decisions=("triage",),
                variables={"before": before, "after": after},
                axes=(name,),
            )
        )
        if limit is not None and len(scenarios) >= limit:
            break
    return ImportedSuite(
        description=f"EquityMedQA counterfactual pairs from {path.name} ({len(scenarios)} sets).",
        header=HEADER,
        scenarios=tuple(scenarios),
        axes=tuple(axes),
        structured_output=False,
        ask_decisions=False,
        skipped=skipped,
    )
