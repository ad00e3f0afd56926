"""Runner features on the sim backend and on in-test backends entered through the real registry:
cassettes, budget, dry run, Retry-After, rate limits, and resuming after kill -9."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from harness.backends import ENTRY_POINT_GROUP
from harness.cli import main
from harness.metrics import Scorecard
from harness.run import TokenBucket

TINY = Path(__file__).parents[1] / "data" / "tiny"
SIM = "sim:t?seed=1&noise=0.2"


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    shutil.copytree(TINY, tmp_path / "tiny")
    return tmp_path / "tiny" / "tiny.yaml"


def _card(results: Path, run_id: str) -> Scorecard:
    return Scorecard.model_validate_json((results / run_id / "scorecard.json").read_text())


def _texts(results: Path, run_id: str) -> dict[tuple[str, int], str]:
    rows = [json.loads(x) for x in (results / run_id / "responses.jsonl").read_text().splitlines()]
    return {(r["case_id"], r["sample"]): r["text"] for r in rows}


def _exit_code(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _record_live(suite: Path, results: Path) -> None:
    """A live run on the sim that writes tiny.cassette.jsonl next to the suite."""
    main(
        [
            "run",
            str(suite),
            "--model",
            SIM,
            "--results",
            str(results),
            "--run-id",
            "live",
            "--record",
        ]
    )


def test_record_then_replay_gives_the_same_answers(suite: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    _record_live(suite, results)
    cassette = suite.with_name("tiny.cassette.jsonl")
    lines = cassette.read_text().splitlines()
    assert len(lines) == 20  # 10 unique cases x 2 samples
    main(
        [
            "run",
            str(suite),
            "--model",
            f"replay:{cassette}",
            "--results",
            str(results),
            "--run-id",
            "replayed",
        ]
    )
    assert _texts(results, "replayed") == _texts(results, "live")
    assert _card(results, "replayed").models[0].n_errors == 0


def test_replay_miss_names_the_case_and_the_change(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    _record_live(suite, results)
    template = suite.parent / "prompts" / "sore_throat.j2"
    template.write_text(template.read_text().replace("two days", "three days"))
    cassette = suite.with_name("tiny.cassette.jsonl")
    capsys.readouterr()
    code = _exit_code(
        [
            "run",
            str(suite),
            "--model",
            f"replay:{cassette}",
            "--results",
            str(results),
            "--run-id",
            "replayed",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "scenario sore_throat" in err and "'two' -> 'three'" in err
    assert not (results / "replayed").exists()


def test_budget_stops_before_it_is_exceeded_and_a_rerun_continues(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        suite.read_text()
        .replace(
            "    repeat_penalty: 1.1\n",
            "    repeat_penalty: 1.1\n"
            "    price: {input_per_mtok: 1000.0, output_per_mtok: 1000.0}\n",
        )
        .replace("spec: local:smollm2", f'spec: "{SIM}"')
    )
    suite.write_text(text)
    results = tmp_path / "results"
    # Worst case per call: (prompt ~ 30 tokens + 64 max output) x $0.001 = about $0.09.
    code = _exit_code(
        ["run", str(suite), "--results", str(results), "--max-cost", "0.5", "--run-id", "cheap"]
    )
    assert code == 1
    assert "budget" in capsys.readouterr().err
    stored = (
        sqlite3.connect(results / "harness.sqlite")
        .execute("SELECT COUNT(*) FROM responses WHERE status='ok'")
        .fetchone()[0]
    )
    assert 0 < stored < 20
    main(["run", str(suite), "--results", str(results), "--max-cost", "50", "--run-id", "more"])
    model = _card(results, "more").models[0]
    assert model.n_cache_hits == stored and model.n_calls == 20 - stored
    assert model.cost_usd is not None and 0 < model.cost_usd <= 50


def test_dry_run_counts_what_is_not_stored(
    suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    main(["run", str(suite), "--model", SIM, "--results", str(results), "--dry-run"])
    assert _dry_run_cells(capsys.readouterr().out)[1:3] == ["0", "20"]  # stored, calls
    assert not [p for p in results.iterdir() if p.is_dir()]  # no run folder
    main(["run", str(suite), "--model", SIM, "--results", str(results), "--run-id", "r"])
    capsys.readouterr()
    main(["run", str(suite), "--model", SIM, "--results", str(results), "--dry-run"])
    assert _dry_run_cells(capsys.readouterr().out)[1:3] == ["20", "0"]


def _dry_run_cells(out: str) -> list[str]:
    row = next(line for line in out.splitlines() if "sim:t" in line)
    return [c.strip() for c in row.split("│") if c.strip()]


FLAKY_PLUGIN = """
import time
from harness.backends import Backend, Response, Status

class Busy(Exception):
    pass

class FlakyBackend(Backend):
    name = "flaky"
    seen = {}

    async def complete(self, request):
        key = (request.meta["case_id"], request.sample)
        stamps = self.seen.setdefault(key, [])
        stamps.append(time.monotonic())
        if len(stamps) == 1:
            raise Busy("429 too many requests")
        return Response(Status.ok, text="Call 911 now.")

    def classify(self, exc):
        return Status.rate_limited

    def retry_after(self, exc):
        return 0.6
"""


def test_retry_after_is_honoured(
    suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "flaky_plugin.py").write_text(textwrap.dedent(FLAKY_PLUGIN))
    dist = tmp_path / "flaky_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: flaky-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nflaky = flaky_plugin:FlakyBackend\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    results = tmp_path / "results"
    main(
        [
            "run",
            str(suite),
            "--model",
            "flaky:x",
            "--samples",
            "1",
            "--results",
            str(results),
            "--run-id",
            "f",
        ]
    )
    import flaky_plugin  # type: ignore[import-not-found]

    gaps = [s[1] - s[0] for s in flaky_plugin.FlakyBackend.seen.values()]
    assert len(gaps) == 10
    assert min(gaps) >= 0.6  # the backoff alone would wait 0.25-0.75 s
    model = _card(results, "f").models[0]
    assert model.n_errors == 0 and model.n_retries == 10


def test_token_bucket_holds_back_past_its_rate() -> None:
    async def go() -> float:
        bucket = TokenBucket(per_minute=600)  # 10 a second, 600 at once when full
        for _ in range(600):
            await bucket.take()
        start = time.monotonic()
        for _ in range(5):
            await bucket.take()
        return time.monotonic() - start

    assert asyncio.run(go()) >= 0.4


def test_kill_9_then_rerun_makes_no_call_for_stored_answers(suite: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    slow = "sim:t?seed=2&latency_ms=150"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "run",
            str(suite),
            "--model",
            slow,
            "--results",
            str(results),
            "--run-id",
            "killed",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = results / "harness.sqlite"
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 5:
        time.sleep(0.05)
        if db.exists():
            try:
                stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM responses").fetchone()[0]
            except sqlite3.OperationalError:
                continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = (
        sqlite3.connect(db)
        .execute("SELECT COUNT(*) FROM responses WHERE status='ok'")
        .fetchone()[0]
    )
    assert 5 <= stored < 20
    main(["run", str(suite), "--model", slow, "--results", str(results), "--run-id", "resumed"])
    model = _card(results, "resumed").models[0]
    assert model.n_cache_hits == stored
    assert model.n_calls == 20 - stored


def test_a_call_past_its_deadline_is_recorded_as_a_timeout(suite: Path, tmp_path: Path) -> None:
    suite.write_text(
        suite.read_text()
        .replace("spec: local:smollm2", 'spec: "sim:t?latency_ms=2000"')
        .replace(
            "    repeat_penalty: 1.1\n",
            "    repeat_penalty: 1.1\n    timeout_s: 0.1\n    max_attempts: 1\n",
        )
    )
    results = tmp_path / "results"
    main(["run", str(suite), "--samples", "1", "--results", str(results), "--run-id", "t"])
    rows = [json.loads(x) for x in (results / "t" / "responses.jsonl").read_text().splitlines()]
    assert {r["status"] for r in rows} == {"timeout"}
    assert _card(results, "t").models[0].n_errors == 10
