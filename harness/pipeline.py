"""The whole flow, stage after stage: load -> expand -> run -> detect/extract -> metrics ->
render. The CLI and the tests drive it; it prints nothing."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import InputError
from harness.expand import Case, expand_suite
from harness.metrics.ahead import AssessAhead
from harness.metrics.answers import AnswerAssessor
from harness.run import (
    Answer,
    ModelEstimate,
    ModelRun,
    connect,
    execute_plan,
    plan_calls,
    prepare_models,
    shard_counts,
)
from harness.run.recording import write_cassettes
from harness.store import ResponseStore
from harness.suite import LoadedSuite, ModelConfig, default_suite_path, load_suite

if TYPE_CHECKING:
    from harness.metrics import Scorecard

__all__ = [
    "STORE_NAME",
    "TIMINGS_NAME",
    "PreparedRun",
    "RunOptions",
    "RunOutcome",
    "estimate",
    "execute",
    "prepare",
]

STORE_NAME = "harness.sqlite"
TIMINGS_NAME = "timings.json"


@dataclass(frozen=True)
class RunOptions:
    suite: Path | None = None
    models: list[str] = field(default_factory=list)
    samples: int | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    results: Path = Path("results")
    run_id: str | None = None
    max_cost: float | None = None
    record: bool = False
    workers: int | None = None  # processes per shardable model; None: one per usable CPU


@dataclass(frozen=True)
class PreparedRun:
    options: RunOptions
    loaded: LoadedSuite
    cases: list[Case]
    configs: list[ModelConfig]
    runs: list[ModelRun]
    samples: int
    run_id: str

    @property
    def total_answers(self) -> int:
        return len({c.id for c in self.cases}) * self.samples * len(self.runs)


@dataclass(frozen=True)
class RunOutcome:
    run_dir: Path
    scorecard: Scorecard
    n_answers: int
    n_cache_hits: int
    n_errors: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds per stage
    workers: dict[str, int] = field(default_factory=dict)  # processes per model label
    assessed_ahead: int = 0  # answers assessed while worker processes were still calling


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _model_configs(loaded: LoadedSuite, options: RunOptions) -> list[ModelConfig]:
    by_spec = {m.spec: m for m in loaded.suite.models}
    chosen = (
        [by_spec.get(spec) or ModelConfig(spec=spec) for spec in options.models]
        if options.models
        else list(loaded.suite.models)
    )
    overrides = {
        k: v
        for k, v in (
            ("temperature", options.temperature),
            ("max_tokens", options.max_tokens),
            ("seed", options.seed),
        )
        if v is not None
    }
    return [m.model_copy(update=overrides) for m in chosen]


def _run_id(suite_name: str) -> str:
    return f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-{suite_name}"


def prepare(options: RunOptions) -> PreparedRun:
    """Everything that can fail on bad input fails here, before a single paid call."""
    loaded = load_suite(options.suite or default_suite_path())
    cases = expand_suite(loaded)
    configs = _model_configs(loaded, options)
    runs = prepare_models(configs)
    run_id = options.run_id or _run_id(loaded.suite.name)
    if options.workers is not None and options.workers < 1:
        raise InputError(None, "--workers", f"{options.workers}: must be 1 or more")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", run_id):
        raise InputError(None, "--run-id", f"{run_id!r}: use letters, digits, '.', '_' and '-'")
    samples = options.samples or loaded.suite.samples
    unique = list({c.id: c for c in cases}.values())
    for run in runs:
        run.backend.preflight(run.request(c, s) for c in unique for s in range(samples))
    if options.max_cost is not None:
        for run in runs:
            if run.price is None:
                raise InputError(
                    None,
                    "--max-cost",
                    f"no price is known for {run.label}; set `price` on the "
                    "model in the suite (input_per_mtok, output_per_mtok)",
                )
    return PreparedRun(options, loaded, cases, configs, runs, samples, run_id)


def estimate(prepared: PreparedRun) -> list[ModelEstimate]:
    """What a run would ask and spend, from the store and the requests; nothing is sent."""
    with ResponseStore(prepared.options.results / STORE_NAME) as store:
        plan = plan_calls(prepared.runs, prepared.cases, samples=prepared.samples, store=store)
    return plan.estimates(prepared.runs)


def execute(
    prepared: PreparedRun, on_answer: Callable[[Answer], None] = lambda _: None
) -> RunOutcome:
    """The scorecard's stages (pandas among them) are imported after the calls, or meanwhile by
    the thread that assesses answers ahead while worker processes call (metrics/ahead.py)."""
    start = time.perf_counter()
    results = prepared.options.results
    run_dir = results / prepared.run_id
    clock = _Stopwatch()
    assessor = AnswerAssessor(prepared.loaded, prepared.cases, keep=True)
    ahead = AssessAhead(assessor)

    def received(answer: Answer) -> None:
        ahead.submit(answer)
        on_answer(answer)

    with ResponseStore(results / STORE_NAME) as store:
        plan = plan_calls(prepared.runs, prepared.cases, samples=prepared.samples, store=store)
        clock.lap("plan")
        connect(prepared.runs, plan)  # SDK imports and clients: not in the request phase
        clock.lap("connect")
        workers = shard_counts(prepared.runs, plan, workers=prepared.options.workers)
        try:
            answers = execute_plan(
                prepared.runs,
                plan,
                store=store,
                max_cost=prepared.options.max_cost,
                on_answer=received,
                workers=prepared.options.workers,
                while_workers_call=ahead.start,
            )
        finally:
            clock.lap("requests")
            ahead.finish()
        clock.lap("detect ahead")
        if prepared.options.record:
            write_cassettes(prepared.loaded.path, prepared.runs, prepared.cases, answers)
        run_dir.mkdir(parents=True, exist_ok=True)
        assessor.recall(store.assessments(assessor.keys(answers)))
        rows = assessor.rows(answers)
        store.put_assessments(assessor.fresh)
        clock.lap("detect")
        with (run_dir / "responses.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        scorecard = _scorecard(prepared, rows)
        clock.lap("metrics")
        _write_reports(prepared, store, run_dir, scorecard)
        clock.lap("write")
    outcome = RunOutcome(
        run_dir=run_dir,
        scorecard=scorecard,
        n_answers=len(answers),
        n_cache_hits=sum(a.cached for a in answers),
        n_errors=sum(a.response.status != "ok" for a in answers),
        seconds=time.perf_counter() - start,
        phases=clock.laps,
        workers=workers,
        assessed_ahead=ahead.assessed,
    )
    _write_timings(run_dir / TIMINGS_NAME, outcome)
    return outcome


def _scorecard(prepared: PreparedRun, rows: list[dict[str, object]]) -> Scorecard:
    from harness.metrics import build_scorecard

    return build_scorecard(
        prepared.loaded,
        rows,
        prepared.configs,
        run_id=prepared.run_id,
        n_cases=len({c.id for c in prepared.cases}),
        samples=prepared.samples,
    )


def _write_reports(
    prepared: PreparedRun, store: ResponseStore, run_dir: Path, scorecard: Scorecard
) -> None:
    from harness.history import record_scorecard
    from harness.history.trends import scorecard_trends
    from harness.report import render_html, render_markdown

    results = prepared.options.results
    (run_dir / "scorecard.json").write_text(scorecard.model_dump_json(indent=2), encoding="utf-8")
    (run_dir / "scorecard.md").write_text(render_markdown(scorecard), encoding="utf-8")
    store.record_run(
        run_id=prepared.run_id,
        suite=prepared.loaded.suite.name,
        suite_file=str(prepared.loaded.path),
        models=[c.spec for c in prepared.configs],
        scorecard_path=str(run_dir / "scorecard.json"),
    )
    record_scorecard(results / STORE_NAME, scorecard)
    trends = scorecard_trends(results / STORE_NAME, scorecard)
    (run_dir / "scorecard.html").write_text(render_html(scorecard, trends=trends), encoding="utf-8")


def _write_timings(path: Path, outcome: RunOutcome) -> None:
    """Where a run's time went, for the nightly job that wants to know (and bench/)."""
    timings = {
        "seconds": round(outcome.seconds, 4),
        "phases": {name: round(seconds, 4) for name, seconds in outcome.phases.items()},
        "answers": outcome.n_answers,
        "cache_hits": outcome.n_cache_hits,
        "errors": outcome.n_errors,
        "workers": outcome.workers,
        "assessed_ahead": outcome.assessed_ahead,
    }
    path.write_text(json.dumps(timings, indent=2) + "\n", encoding="utf-8")
