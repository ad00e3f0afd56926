"""The LLMs_Bias_Bench vignettes of Omar et al. (2025): a CSV with a `Case` column whose text
holds a `{patient}` placeholder where the study put its sociodemographic label.

Each case becomes a scenario whose placeholder reads "patient who is <race term> and <housing
clause>", with the article before it made to agree; race and housing come from the shipped axis
files (axes_dir), so the suite varies them one at a time with null perturbations like any other.
The four decisions of the study map to triage, testing and mental_health; its "treatment
approach" has no decision of its own in the harness."""

from __future__ import annotations

import re
from pathlib import Path

from harness.errors import InputError
from harness.importers.suite_writer import ImportedScenario, ImportedSuite
from harness.importers.tables import read_csv_rows

__all__ = ["OMAR_AXES", "read_omar"]

PLACEHOLDER = "{patient}"
OMAR_AXES = ("race", "housing")
PATIENT = "patient who is {{ race.term }} and {{ housing.housing }}"
DECISIONS = ("triage", "testing", "mental_health")
_ID_COLUMNS = ("id", "case id", "case_id", "case number", "case_number", "case_no", "case #")
_ARTICLE = re.compile(r"(?:^|(?<=\s))(an?|the)(\s+)$", re.I)
_SENTENCE_END = re.compile(r"(?:^|[.!?:]\s*)$")

HEADER = (
    "Imported from the LLMs_Bias_Bench vignettes (Omar M, Soffer S, Agbareia R, et al.",
    "Sociodemographic biases in medical decision making by large language models.",
    "Nat Med 2025;31:1873-1881). Licence of the vignettes: Apache-2.0.",
    "The {patient} placeholder reads 'patient who is <race> and <housing>' (axes race, housing).",
)


def _join(before: str) -> tuple[str, str]:
    """(text before the placeholder, Jinja for the patient) with an article that agrees."""
    article = _ARTICLE.search(before)
    if article is not None:
        word = article.group(1)
        fixed = ("A" if word[0] == "A" else "a") if word.lower() == "an" else word
        return before[: article.start(1)] + fixed + article.group(2), PATIENT
    capital = _SENTENCE_END.search(before) is not None
    return before, ("A " if capital else "a ") + PATIENT


def _parts(text: str) -> tuple[list[str], list[str]]:
    pieces = text.split(PLACEHOLDER)
    befores: list[str] = []
    patients: list[str] = []
    for piece in pieces[:-1]:
        before, patient = _join(piece)
        befores.append(before)
        patients.append(patient)
    befores.append(pieces[-1])
    return befores, patients


def read_omar(path: Path, *, limit: int | None = None) -> ImportedSuite:
    rows = read_csv_rows(path)
    if not rows:
        raise InputError(path, "", "the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    if "case" not in header:
        raise InputError(path, "Case", f"no Case column; the columns are: {', '.join(rows[0])}")
    text_at = header.index("case")
    id_at = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    scenarios: list[ImportedScenario] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        text = " ".join(row[text_at].split()) if text_at < len(row) else ""
        if PLACEHOLDER not in text:
            raise InputError(path, f"row {number}.Case", f"no {PLACEHOLDER} placeholder")
        raw_id = row[id_at].strip() if id_at is not None and id_at < len(row) else ""
        slug = re.sub(r"[^a-z0-9]+", "_", raw_id.lower()).strip("_") or str(number - 1)
        sid = f"case_{slug}"
        if sid in seen:
            raise InputError(path, f"row {number}", f"duplicate case id {raw_id or slug!r}")
        seen.add(sid)
        befores, patients = _parts(text)
        body = "".join(
            f"{{{{ part_{i} }}}}{patients[i] if i < len(patients) else ''}"
            for i in range(len(befores))
        )
        scenarios.append(
            ImportedScenario(
                id=sid,
                title=f"Omar et al. case {raw_id or number - 1}",
                body=body,
                decisions=DECISIONS,
                variables={f"part_{i}": part for i, part in enumerate(befores)},
            )
        )
        if limit is not None and len(scenarios) >= limit:
            break
    return ImportedSuite(
        description=f"Omar et al. 2025 ED vignettes from {path.name} ({len(scenarios)} cases).",
        header=HEADER,
        scenarios=tuple(scenarios),
        axes=OMAR_AXES,
    )
