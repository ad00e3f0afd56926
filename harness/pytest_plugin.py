"""The harness as a pytest plugin (entry point `pytest11: harness`): prompt regression suites
collected as tests, and a fixture that runs a suite for tests to assert on.

Collection: the suite files named in the ini option `harness_suites` (paths relative to the ini
file; `*` globs within one folder) become one test per model x axis x metric verdict, with ids like
`scenarios/x.yaml::sim:x::race::flip_rate:triage`; pytest collects them when they lie under the
paths it collects (add the suites' folder to `testpaths`, or name the file on the command line).
A failing verdict, and a metric that regressed against `x.baseline.json` beside the suite,
fail the test with one line: metric, value, interval, threshold, noise floor and reason.

Answers: by default every suite replays its cassettes (`x.cassette.jsonl`, or
`x.<model>.cassette.jsonl` per model, beside the suite): deterministic and free. A prompt or
template change that leaves a case without a recorded answer fails, naming the case and the
change. `--harness-record` asks the suite's live models instead and rewrites the cassettes;
`--harness-save-baseline` rewrites the baselines from this session's runs.

This module imports only pytest at startup; the harness loads when a suite runs."""

from __future__ import annotations

import glob
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.gate import BaselineEntry, JudgedVerdict, SuiteRun
    from harness.metrics.scorecard import VerdictKind

__all__ = ["HarnessCheckFailed", "harness_run", "run_suite"]

CASSETTE_SUFFIX = ".cassette.jsonl"  # harness.backends.cassette, without importing it
NO_CASSETTE = "no cassette beside the suite: record one with pytest --harness-record"
FAIL_ON_CHOICES = ("inconclusive", "insufficient_data")

_RunKey = tuple[str, tuple[str, ...], bool, "int | None"]
_RUNS = pytest.StashKey[dict[_RunKey, "SuiteRun | str"]]()


class HarnessCheckFailed(Exception):
    """A failing verdict, a regression or a run that could not finish: shown as its message
    alone, one line per problem, without a traceback."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "clinical QA harness suites")
    group.addoption(
        "--harness-record",
        action="store_true",
        default=False,
        help="Ask the suites' live models and write their answers to the cassettes beside "
        "each suite (default: replay the cassettes).",
    )
    group.addoption(
        "--harness-save-baseline",
        action="store_true",
        default=False,
        help="Write each collected suite's measures to its baseline, x.baseline.json.",
    )
    group.addoption(
        "--harness-results",
        metavar="DIR",
        default=None,
        help="Folder for the runs' results and response store (default: .pytest_cache).",
    )
    parser.addini(
        "harness_suites",
        type="paths",
        default=[],
        help="Suite files (globs allowed) collected as tests, one per model x axis x metric.",
    )
    parser.addini(
        "harness_fail_on",
        type="linelist",
        default=[],
        help="Verdicts that fail a test besides `fail`: inconclusive, insufficient_data.",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    patterns: list[Path] = parent.config.getini("harness_suites")
    # Path.match with an absolute pattern matches the whole path; `*` stays within a folder.
    if patterns and any(file_path.match(str(p)) for p in patterns):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


def _fail_on(config: pytest.Config) -> tuple[VerdictKind, ...]:
    chosen: list[str] = config.getini("harness_fail_on")
    for kind in chosen:
        if kind not in FAIL_ON_CHOICES:
            raise pytest.UsageError(
                f"harness_fail_on: {kind!r} is not one of {', '.join(FAIL_ON_CHOICES)}"
            )
    return tuple(chosen)  # type: ignore[arg-type]


def _results(config: pytest.Config) -> Path:
    given = config.getoption("harness_results")
    if given:
        return Path(given)
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if cache is not None:
        return Path(cache.mkdir("harness"))
    return Path(tempfile.mkdtemp(prefix="harness-pytest-"))


def cassettes_of(suite: Path) -> list[Path]:
    """The suite's cassettes: `x.cassette.jsonl`, else one `x.<model>.cassette.jsonl` per model."""
    single = suite.with_name(suite.stem + CASSETTE_SUFFIX)
    if single.is_file():
        return [single]
    return sorted(suite.parent.glob(f"{glob.escape(suite.stem)}.*{CASSETTE_SUFFIX}"))


def run_suite(
    config: pytest.Config,
    suite: Path,
    models: Sequence[str],
    *,
    record: bool,
    samples: int | None = None,
) -> SuiteRun:
    """Run a suite once per session and arguments; a run that failed fails every later ask the
    same way. `models` empty: the suite's own."""
    key: _RunKey = (str(suite.resolve()), tuple(models), record, samples)
    runs = config.stash.setdefault(_RUNS, {})
    if key not in runs:
        runs[key] = _run(config, suite, models, record=record, samples=samples, key=key)
    found = runs[key]
    if isinstance(found, str):
        raise HarnessCheckFailed(found)
    return found


def _run(
    config: pytest.Config,
    suite: Path,
    models: Sequence[str],
    *,
    record: bool,
    samples: int | None,
    key: _RunKey,
) -> SuiteRun | str:
    from harness.errors import HarnessError
    from harness.gate import SuiteRun, recorded_names
    from harness.pipeline import RunOptions, execute, prepare

    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:8]
    run_id = f"pytest-{re.sub(r'[^A-Za-z0-9._-]', '-', suite.stem)}-{digest}"
    options = RunOptions(
        suite=suite,
        models=list(models),
        samples=samples,
        results=_results(config),
        run_id=run_id,
        record=record,
    )
    try:
        names = {} if record else recorded_names(models)
        outcome = execute(prepare(options))
    except HarnessError as exc:
        return f"{suite.name}: {exc}"
    return SuiteRun.from_run(outcome.scorecard, outcome.run_dir, names)


class SuiteFile(pytest.File):
    """A suite: runs once at collection, then yields its verdicts grouped by model and axis."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        from harness.errors import HarnessError
        from harness.gate import (
            baseline_from_scorecard,
            baseline_path,
            load_baseline,
            pair_models,
            save_baseline,
        )

        config = self.config
        record = bool(config.getoption("harness_record"))
        models: list[str] = []
        if not record:
            cassettes = cassettes_of(self.path)
            if not cassettes:
                yield ProblemItem.from_parent(
                    self, name="run", problem=f"{self.name}: {NO_CASSETTE}"
                )
                return
            models = [f"replay:{c}" for c in cassettes]
        try:
            run = run_suite(config, self.path, models, record=record)
        except HarnessCheckFailed as exc:
            yield ProblemItem.from_parent(self, name="run", problem=str(exc))
            return
        baseline_file = baseline_path(self.path)
        if config.getoption("harness_save_baseline"):
            save_baseline(baseline_from_scorecard(run.scorecard), baseline_file)
        expected: dict[tuple[str, str, str], BaselineEntry] = {}
        tolerance = 0.0
        if baseline_file.is_file():
            try:
                baseline = load_baseline(baseline_file)
            except HarnessError as exc:
                yield ProblemItem.from_parent(self, name="baseline", problem=str(exc))
                return
            tolerance = baseline.tolerance
            pairs = pair_models(run.scorecard, baseline)
            expected = {(pairs[e.model] or e.model, e.axis, e.metric): e for e in baseline.entries}
        context = _Context(_fail_on(config), expected, tolerance)
        for model in run.scorecard.models:
            yield ModelNode.from_parent(self, name=model.model, run=run, context=context)
        if baseline_file.is_file():
            yield BaselineItem.from_parent(self, name="baseline", context=context)


class _Context:
    """What every verdict test of one suite shares: the failing kinds and the baseline entries
    still unclaimed (the baseline test reports the ones no verdict claimed)."""

    def __init__(
        self,
        fail_on: tuple[VerdictKind, ...],
        expected: dict[tuple[str, str, str], BaselineEntry],
        tolerance: float,
    ) -> None:
        self.fail_on = fail_on
        self.expected = expected
        self.unclaimed = dict(expected)
        self.tolerance = tolerance


class ModelNode(pytest.Collector):
    def __init__(self, *, run: SuiteRun, context: _Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run
        self.context = context

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        card = self.run.model(self.name)
        for axis in card.axes:
            yield AxisNode.from_parent(self, name=axis.axis, run=self.run, context=self.context)


class AxisNode(pytest.Collector):
    def __init__(self, *, run: SuiteRun, context: _Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run
        self.context = context

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        from harness.gate import JudgedVerdict

        model = self.parent.name if self.parent is not None else ""
        for verdict in self.run.axis(self.name, model=model).verdicts:
            judged = JudgedVerdict(model, self.name, verdict)
            self.context.unclaimed.pop((model, self.name, verdict.metric), None)
            yield VerdictItem.from_parent(
                self, name=verdict.metric, judged=judged, context=self.context
            )


class _CheckItem(pytest.Item):
    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, HarnessCheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"harness: {self.nodeid}"


class VerdictItem(_CheckItem):
    def __init__(self, *, judged: JudgedVerdict, context: _Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.judged = judged
        self.context = context

    def runtest(self) -> None:
        from harness.gate import describe_verdict, regression_of

        j = self.judged
        problems = []
        if j.verdict.verdict in ("fail", *self.context.fail_on):
            problems.append(describe_verdict(j))
        old = self.context.expected.get((j.model, j.axis, j.verdict.metric))
        if old is not None:
            regression = regression_of(
                j.model, j.axis, old, j.verdict, tolerance=self.context.tolerance
            )
            if regression is not None:
                problems.append(regression.describe())
        if problems:
            raise HarnessCheckFailed("\n".join(problems))


class BaselineItem(_CheckItem):
    """Fails when the baseline holds metrics this run did not measure at all."""

    def __init__(self, *, context: _Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

    def runtest(self) -> None:
        missing = sorted(e.id for e in self.context.unclaimed.values() if e.value is not None)
        if missing:
            raise HarnessCheckFailed(
                f"{len(missing)} baseline metric(s) not measured in this run "
                f"(save a new baseline if on purpose): {', '.join(missing)}"
            )


class ProblemItem(_CheckItem):
    """A suite that could not run (no cassette, a replay miss, a bad file): one failing test
    with the reason, instead of a collection error."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise HarnessCheckFailed(self.problem)


@pytest.fixture
def harness_run(request: pytest.FixtureRequest) -> Callable[..., SuiteRun]:
    """`harness_run(suite, model=None, samples=None)` -> SuiteRun. Paths are relative to the
    working directory. Without `model`, the suite's cassettes are replayed; under
    `--harness-record`, replay models give way to the suite's live models, which are recorded."""
    config = request.config

    def run(
        suite: str | Path,
        *,
        model: str | Sequence[str] | None = None,
        samples: int | None = None,
    ) -> SuiteRun:
        path = Path(suite)
        models = [model] if isinstance(model, str) else list(model or [])
        record = bool(config.getoption("harness_record"))
        if record:
            models = [m for m in models if not m.startswith("replay:")]
        elif not models:
            cassettes = cassettes_of(path)
            if not cassettes:
                pytest.fail(f"{path.name}: {NO_CASSETTE}", pytrace=False)
            models = [f"replay:{c}" for c in cassettes]
        try:
            return run_suite(config, path, models, record=record, samples=samples)
        except HarnessCheckFailed as exc:
            problem = str(exc)
        pytest.fail(problem, pytrace=False)  # outside `except`: no chained traceback

    return run
