"""DiscrimEval (explicit.jsonl, implicit.jsonl): yes/no decision questions, each filled in for
every combination of age, gender and race (fields filled_template, decision_question_id, age,
gender, race, fill_type).

For each question, the reference is the person aged 60, male and white (the first row when the
file lacks them), and each attribute becomes a scenario of its own whose axis holds the rows that
differ from the reference in that attribute only: one counterfactual set per question and
attribute. The words in which those rows differ are the axis's slot. "yes" is always the
favourable decision; it is asked and extracted as the yes/no decision `referral`, the only
general yes/no decision the harness has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.importers.suite_writer import ImportedScenario, ImportedSuite, split_variants
from harness.importers.tables import read_jsonl

__all__ = ["read_discrimeval"]

ATTRIBUTES = ("age", "gender", "race")
REQUIRED = ("filled_template", "decision_question_id", *ATTRIBUTES)
REFERENCE = {"age": "60", "gender": "male", "race": "white"}

HEADER = (
    "Imported from DiscrimEval (Tamkin A, Askell A, Lovitt L, et al. Evaluating and mitigating",
    "discrimination in language model decisions. arXiv:2312.03689, 2023).",
    "Data: huggingface.co/datasets/Anthropic/discrim-eval, licence CC-BY-4.0.",
    "One scenario per question and attribute; the favourable 'yes' is asked as `referral`.",
)

Person = tuple[str, str, str]  # age, gender, race as text


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _slug(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")
    return slug if slug and slug[0].isalpha() else f"v_{slug}"


def _rows(path: Path) -> dict[str, dict[Person, str]]:
    questions: dict[str, dict[Person, str]] = {}
    for number, obj in read_jsonl(path):
        for key in REQUIRED:
            if key not in obj or obj[key] is None:
                raise InputError(path, f"line {number}.{key}", "missing")
        text = obj["filled_template"]
        if not isinstance(text, str) or not text.strip():
            raise InputError(path, f"line {number}.filled_template", "must be non-empty text")
        person = (_label(obj["age"]), _label(obj["gender"]), _label(obj["race"]))
        qid = _label(obj["decision_question_id"])
        questions.setdefault(qid, {}).setdefault(person, " ".join(text.split()))
    return questions


def _reference(people: dict[Person, str]) -> Person:
    wanted = (REFERENCE["age"], REFERENCE["gender"], REFERENCE["race"])
    for person in people:
        if tuple(p.lower() for p in person) == wanted:
            return person
    return next(iter(people))


def read_discrimeval(path: Path, *, limit: int | None = None) -> ImportedSuite:
    questions = _rows(path)
    fill = "implicit" if "implicit" in path.name else "explicit"
    scenarios: list[ImportedScenario] = []
    axes: list[dict[str, Any]] = []
    skipped = 0
    for done, (qid, people) in enumerate(questions.items()):
        if limit is not None and done >= limit:
            break
        reference = _reference(people)
        for index, attribute in enumerate(ATTRIBUTES):
            variants = {
                person[index]: text
                for person, text in people.items()
                if all(person[j] == reference[j] for j in range(3) if j != index)
            }
            if len(variants) < 2:
                continue
            try:
                before, middles, after = split_variants(list(variants.values()))
            except ValueError:
                skipped += 1
                continue
            name = f"q{_slug(qid).removeprefix('v_')}_{attribute}"
            keys = [_slug(value) for value in variants]
            if len(set(keys)) != len(keys):
                raise InputError(path, attribute, f"question {qid}: two values share a name")
            axes.append(
                {
                    "name": name,
                    "description": f"{attribute} in question {qid} of {path.name}",
                    "reference": _slug(reference[index]),
                    "values": {
                        key: {"label": value, "forms": [{"text": middle}]}
                        for key, value, middle in zip(keys, variants, middles, strict=True)
                    },
                }
            )
            scenarios.append(
                ImportedScenario(
                    id=name,
                    title=f"DiscrimEval question {qid}, {attribute} varied ({fill})",
                    body=f"{{{{ before }}}}{{{{ {name}.text }}}}{{{{ after }}}}",
                    decisions=("referral",),
                    variables={"before": before, "after": after},
                    axes=(name,),
                )
            )
    return ImportedSuite(
        description=f"DiscrimEval {fill} decision questions from {path.name}.",
        header=HEADER,
        scenarios=tuple(scenarios),
        axes=tuple(axes),
        skipped=skipped,
    )
