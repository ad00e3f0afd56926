"""Calls of a shardable backend split over forked worker processes: the splits never exceed the
settings, a sharded run stores and returns exactly what an unsharded one does, progress sees
every answer once, the budget holds, a kill -9 loses nothing stored and stops the workers, and
a crashed worker is reported. Runs that fork go through a fresh `python` process, so pytest
itself (with the fake's server thread) never forks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import OpenAIFake

from harness.backends import ENTRY_POINT_GROUP
from harness.errors import InputError
from harness.expand import expand_suite
from harness.pipeline import RunOptions, execute, prepare
from harness.run import plan_calls, prepare_models, shard_counts
from harness.run.shards import budget_share, make_shards, split_evenly
from harness.store import ResponseStore
from harness.suite import ModelConfig, load_suite

TINY = Path(__file__).parents[1] / "data" / "tiny"
CALLS = 20  # tiny: 10 unique cases x 2 samples
PRICE = {"input_per_mtok": 1000.0, "output_per_mtok": 1000.0}

RUN_SCRIPT = """
import json, os, sys
from pathlib import Path
from harness.errors import HarnessError
from harness.expand import expand_suite
from harness.run import execute_plan, plan_calls, prepare_models, shard_counts
from harness.store import ResponseStore
from harness.suite import load_suite

suite, results, workers, max_cost = sys.argv[1:5]
workers = None if workers == "auto" else int(workers)
loaded = load_suite(Path(suite))
runs = prepare_models(loaded.suite.models)
row = lambda a: [a.model, a.case_id, a.sample, a.response.status.value, a.response.text, a.cached]
out = {"pid": os.getpid(), "error": None, "answers": [], "progress": []}
with ResponseStore(Path(results) / "harness.sqlite") as store:
    plan = plan_calls(runs, expand_suite(loaded), samples=loaded.suite.samples, store=store)
    out["workers"] = list(shard_counts(runs, plan, workers=workers).values())
    try:
        answers = execute_plan(
            runs, plan, store=store, workers=workers,
            max_cost=float(max_cost) if max_cost else None,
            on_answer=lambda a: out["progress"].append(row(a)),
        )
        out["answers"] = [row(a) for a in answers]
    except HarnessError as exc:
        out["error"] = str(exc)
print(json.dumps(out))
"""

PROBE_PLUGIN = """
import asyncio, os, signal
from harness.backends import Backend, Response, Status

class ShardProbe(Backend):
    name = "shardprobe"
    shardable = True

    async def complete(self, request):
        await asyncio.sleep(0.02)
        flag = self.options.get("crash_flag")
        if flag:
            try:
                os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:  # the first process to get here dies, the others answer
                os.kill(os.getpid(), signal.SIGKILL)
        return Response(Status.ok, text=f"pid {os.getpid()}", input_tokens=1, output_tokens=1)
"""


@pytest.fixture(scope="module")
def fake() -> Iterator[OpenAIFake]:
    with OpenAIFake() as server:
        yield server


@pytest.fixture
def openai_fake(fake: OpenAIFake) -> OpenAIFake:
    fake.reset()
    fake.delay_s = 0.0
    return fake


def _suite(tmp_path: Path, spec: str, extra: str = "") -> Path:
    """tiny with one model at concurrency 2 (20 calls: enough to shard over 2 processes)."""
    shutil.copytree(TINY, tmp_path / "tiny")
    suite = tmp_path / "tiny" / "tiny.yaml"
    suite.write_text(
        suite.read_text()
        .replace("spec: local:smollm2", f'spec: "{spec}"')
        .replace(
            "    repeat_penalty: 1.1\n",
            f"    repeat_penalty: 1.1\n    concurrency: 2\n    max_attempts: 1\n{extra}",
        )
    )
    return suite


def _env(plugin_dir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    if plugin_dir is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugin_dir), env.get("PYTHONPATH")]))
    return env


def _script(suite: Path, results: Path, workers: str, max_cost: str = "", **kw: Any) -> Any:
    """execute_plan in a fresh process: its answers, what progress saw, workers per model."""
    out = subprocess.run(
        [sys.executable, "-c", RUN_SCRIPT, str(suite), str(results), workers, max_cost],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(kw.get("plugin_dir")),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _stored(results: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(results / "harness.sqlite") as db:
        return sorted(db.execute("SELECT key, status, text FROM responses"))


def _install_probe(tmp_path: Path) -> Path:
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "shard_probe.py").write_text(textwrap.dedent(PROBE_PLUGIN))
    dist = folder / "shard_probe-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shard-probe\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nshardprobe = shard_probe:ShardProbe\n"
    )
    return folder


# --- the splits ------------------------------------------------------------------------------


@pytest.mark.parametrize("total", [1, 2, 3, 7, 50, 51, 599, 10_000])
@pytest.mark.parametrize("parts", [1, 2, 3, 4, 7])
def test_split_evenly_never_exceeds_the_total(total: int, parts: int) -> None:
    if total < parts:
        with pytest.raises(ValueError, match="cannot split"):
            split_evenly(total, parts)
        return
    shares = split_evenly(total, parts)
    assert len(shares) == parts and sum(shares) == total
    assert min(shares) >= 1 and max(shares) - min(shares) <= 1


@pytest.mark.parametrize(("limit", "holders"), [(0.1, 3), (1.0, 3), (0.7, 7), (50.0, 2)])
def test_budget_shares_never_add_up_to_more_than_the_budget(limit: float, holders: int) -> None:
    share = budget_share(limit, holders)
    assert share is not None and 0 < share <= limit / holders
    assert sum([share] * holders) <= limit
    assert budget_share(None, holders) is None


def _plan_for(tmp_path: Path, configs: list[ModelConfig]) -> tuple[list[Any], Any]:
    loaded = load_suite(TINY / "tiny.yaml")
    runs = prepare_models(configs)
    with ResponseStore(tmp_path / "s.sqlite") as store:
        plan = plan_calls(runs, expand_suite(loaded), samples=2, store=store)
    return runs, plan


def test_which_models_are_sharded_and_how_far(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/v1"
    configs = [
        ModelConfig(spec=f"openai:a@{url}", concurrency=5),  # 20 calls >= 4 x 5
        ModelConfig(spec=f"openai:b@{url}", concurrency=6),  # 20 calls < 4 x 6
        ModelConfig(spec=f"openai:c@{url}", concurrency=4, rpm=1),  # one request a minute
        ModelConfig(spec="sim:d", concurrency=2),  # not shardable
    ]
    runs, plan = _plan_for(tmp_path, configs)
    a, b, c, d = (r.label for r in runs)
    assert shard_counts(runs, plan, workers=None, cpus=8) == {a: 5, b: 1, c: 1, d: 1}
    assert shard_counts(runs, plan, workers=3, cpus=8)[a] == 3
    assert shard_counts(runs, plan, workers=None, cpus=2)[a] == 2
    assert shard_counts(runs, plan, workers=1, cpus=8)[a] == 1
    assert shard_counts(runs, plan, workers=None, cpus=1)[a] == 1


def test_shards_split_the_calls_and_never_exceed_the_limits(tmp_path: Path) -> None:
    config = ModelConfig(spec="openai:a@http://127.0.0.1:9/v1", concurrency=5, rpm=7, tpm=1001)
    runs, plan = _plan_for(tmp_path, [config])
    for n in (1, 2, 3, 5):
        shards = make_shards(runs[0], plan.pending, n)
        assert sorted(c.key for s in shards for c in s.calls) == sorted(p.key for p in plan.pending)
        configs = [s.run.config for s in shards]
        assert sum(c.concurrency for c in configs) == 5
        assert sum(c.rpm or 0 for c in configs) == 7 and all(c.rpm for c in configs)
        assert sum(c.tpm or 0 for c in configs) == 1001
        assert all(s.run.backend is runs[0].backend for s in shards)


# --- whole runs in a fresh process -----------------------------------------------------------


def test_a_sharded_run_stores_and_returns_what_an_unsharded_run_does(
    openai_fake: OpenAIFake, tmp_path: Path
) -> None:
    suite = _suite(tmp_path, f"openai:gpt-fake@{openai_fake.base_url}/v1")
    one = _script(suite, tmp_path / "one", "1")
    assert openai_fake.calls == CALLS
    two = _script(suite, tmp_path / "two", "2")
    assert openai_fake.calls == 2 * CALLS
    assert (one["workers"], two["workers"]) == ([1], [2])
    assert one["error"] is None and two["error"] is None
    assert len(two["answers"]) == CALLS
    assert sorted(two["answers"]) == sorted(one["answers"])
    assert {a[3] for a in two["answers"]} == {"ok"}
    assert sorted(two["progress"]) == sorted(two["answers"])  # every answer, once
    assert _stored(tmp_path / "two") == _stored(tmp_path / "one")


def test_answers_come_from_worker_processes(tmp_path: Path) -> None:
    plugin = _install_probe(tmp_path)
    suite = _suite(tmp_path, "shardprobe:m")
    out = _script(suite, tmp_path / "r", "2", plugin_dir=plugin)
    pids = {a[4] for a in out["answers"]}
    assert len(out["answers"]) == CALLS and len(pids) == 2
    assert f"pid {out['pid']}" not in pids


def test_the_budget_holds_with_workers(openai_fake: OpenAIFake, tmp_path: Path) -> None:
    suite = _suite(tmp_path, f"openai:gpt-fake@{openai_fake.base_url}/v1", f"    price: {PRICE}\n")
    results = tmp_path / "r"
    max_cost = 0.5  # worst case per call about $0.1 (30-token prompt, 64 tokens out)
    out = _script(suite, results, "2", str(max_cost))
    assert out["workers"] == [2]
    assert "budget" in out["error"] and "split evenly over 2 processes" in out["error"]
    with sqlite3.connect(results / "harness.sqlite") as db:
        used = db.execute(
            "SELECT COUNT(*), SUM(input_tokens + output_tokens) FROM responses WHERE status='ok'"
        ).fetchone()
    assert 0 < used[0] < CALLS and used[0] == openai_fake.calls
    assert used[1] * PRICE["input_per_mtok"] / 1e6 <= max_cost
    progress = {(a[1], a[2]) for a in out["progress"]}  # (case, sample): each counted once
    assert len(progress) == len(out["progress"]) == used[0]


def _count_ok(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(
                conn.execute("SELECT COUNT(*) FROM responses WHERE status='ok'").fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


def _harness(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "run", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(kw.get("plugin_dir")),
    )


def test_kill_9_stops_the_workers_and_a_rerun_makes_no_call_for_stored_answers(
    openai_fake: OpenAIFake, tmp_path: Path
) -> None:
    openai_fake.delay_s = 0.2
    suite = _suite(tmp_path, f"openai:gpt-fake@{openai_fake.base_url}/v1")
    results = tmp_path / "r"
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, str(suite), str(results), "2", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    db = results / "harness.sqlite"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _count_ok(db) < 5:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.3)  # a worker that outlived its parent would keep calling
    sent = openai_fake.calls
    stored = _count_ok(db)
    time.sleep(0.6)
    assert openai_fake.calls == sent and _count_ok(db) == stored
    assert 5 <= stored < CALLS
    openai_fake.reset()
    openai_fake.delay_s = 0.0
    rerun = _script(suite, results, "2")
    assert sum(a[5] for a in rerun["answers"]) == stored  # from the store
    assert len(rerun["answers"]) == CALLS and openai_fake.calls == CALLS - stored


def test_a_crashed_worker_is_reported_after_the_others_are_stored(tmp_path: Path) -> None:
    plugin = _install_probe(tmp_path)
    flag = tmp_path / "crashed"
    suite = _suite(tmp_path, f"shardprobe:m?crash_flag={flag}")
    results = tmp_path / "r"
    proc = _harness(
        [str(suite), "--results", str(results), "--workers", "2", "--run-id", "c"],
        plugin_dir=plugin,
    )
    err = proc.stderr
    assert proc.returncode == 1 and flag.exists()
    assert "worker" in err and "for shardprobe:m" in err and "killed by signal 9" in err
    assert "0 of 10 answers" in err  # the dead one: its first call killed it
    stored = _count_ok(results / "harness.sqlite")
    assert stored == CALLS // 2  # the other worker's whole share
    rerun = _script(suite, results, "2", plugin_dir=plugin)
    assert rerun["error"] is None and len(rerun["answers"]) == CALLS
    assert sum(a[5] for a in rerun["answers"]) == stored  # from the store


WARM_SCRIPT = """
import sys
from harness.backends import create_backend, parse_spec
backend = create_backend(parse_spec("openai:m@http://127.0.0.1:9/v1"))
before = "openai" in sys.modules
backend.warm()
print(before, "openai" in sys.modules)
"""


def test_warm_imports_the_sdk_before_any_call() -> None:
    out = subprocess.run(
        [sys.executable, "-c", WARM_SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "True"]


def test_a_run_reports_its_phases_and_workers(tmp_path: Path) -> None:
    suite = _suite(tmp_path, "sim:t?seed=1")
    outcome = execute(prepare(RunOptions(suite=suite, results=tmp_path / "r", run_id="p")))
    assert list(outcome.phases)[:3] == ["plan", "connect", "requests"]
    assert outcome.workers == {"sim:t?seed=1": 1}  # sim is never sharded
    with pytest.raises(InputError, match="--workers"):
        prepare(RunOptions(suite=suite, results=tmp_path / "r", workers=0))


def _harness_run(suite: Path, results: Path, workers: int) -> dict[str, Any]:
    """The `harness` program itself in a fresh process; its timings.json."""
    args = [sys.executable, "-m", "harness", "run", str(suite), "--results", str(results)]
    out = subprocess.run(
        [*args, "--run-id", "r", "--workers", str(workers)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert f"results: {results / 'r'}" in out.stdout  # flushed before the fast exit
    timings: dict[str, Any] = json.loads((results / "r" / "timings.json").read_text())
    return timings


def _rows(results: Path) -> list[dict[str, Any]]:
    lines = (results / "r" / "responses.jsonl").read_text().splitlines()
    varying = ("latency_s", "attempts", "cached")
    rows = [{k: v for k, v in json.loads(x).items() if k not in varying} for x in lines]
    return sorted(rows, key=lambda r: (r["set_id"], r["case_id"], r["sample"]))


def test_while_workers_call_the_parent_assesses_their_answers(
    openai_fake: OpenAIFake, tmp_path: Path
) -> None:
    suite = _suite(tmp_path, f"openai:gpt-fake@{openai_fake.base_url}/v1")
    one = _harness_run(suite, tmp_path / "one", workers=1)
    two = _harness_run(suite, tmp_path / "two", workers=2)
    label = load_suite(suite).suite.models[0].spec
    assert (one["workers"], two["workers"]) == ({label: 1}, {label: 2})
    assert (one["assessed_ahead"], two["assessed_ahead"]) == (0, CALLS)
    assert one["answers"] == two["answers"] == CALLS and two["errors"] == 0
    assert list(two["phases"]) == [
        "plan", "connect", "requests", "detect ahead", "detect", "metrics", "write"
    ]  # fmt: skip
    assert _rows(tmp_path / "two") == _rows(tmp_path / "one")
