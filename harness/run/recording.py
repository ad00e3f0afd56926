"""`harness run --record`: the answers of a live run written as cassettes next to the suite."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.backends.cassette import CASSETTE_SUFFIX, CassetteEntry, fingerprint, write_cassette
from harness.expand import Case
from harness.run.answer import Answer
from harness.run.model_run import ModelRun

__all__ = ["cassette_path", "write_cassettes"]


def cassette_path(suite_file: Path, model_label: str, n_models: int) -> Path:
    """`x.cassette.jsonl` for one model; `x.<model>.cassette.jsonl` when several are recorded."""
    if n_models == 1:
        return suite_file.with_name(suite_file.stem + CASSETTE_SUFFIX)
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in model_label).strip("-")
    return suite_file.with_name(f"{suite_file.stem}.{slug}{CASSETTE_SUFFIX}")


def write_cassettes(
    suite_file: Path, runs: Sequence[ModelRun], cases: Sequence[Case], answers: Sequence[Answer]
) -> list[Path]:
    by_id = {c.id: c for c in cases}
    written = []
    for run in runs:
        entries = []
        for answer in answers:
            if answer.model != run.label or answer.response.status != "ok":
                continue
            case = by_id[answer.case_id]
            request = run.request(case, answer.sample)
            entries.append(
                CassetteEntry(
                    fingerprint=fingerprint(request),
                    scenario_id=case.scenario_id,
                    groups=dict(case.groups),
                    sample=answer.sample,
                    messages=request.chat_messages(),
                    text=answer.response.text,
                    finish_reason=answer.response.finish_reason,
                    input_tokens=answer.response.input_tokens,
                    output_tokens=answer.response.output_tokens,
                    recorded_from=run.label,
                )
            )
        path = cassette_path(suite_file, run.label, len(runs))
        write_cassette(path, entries)
        written.append(path)
    return written
