"""1,000 cases against a loopback OpenAI-format server that answers after 100 ms, at concurrency
50, through the real SDK and the `harness run` program itself (a fresh process, as a user starts
it); then the cached rerun; then our CPU per call at 0 ms. The floor is 1,000 x 0.1 s / 50 = 2.0 s.

    python bench/runner_throughput.py [--repeats 5] [--cases 1000] [--workers N]
                                      [--transport aiohttp|httpx2|httpx]

The fake runs in its own process (tests/fakes), so its CPU is not counted as ours; the CPU of
the harness's worker processes is (they are its children, reaped before execute returns).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from suite_gen import write_suite

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 50
LATENCY_S = 0.1
REQUEST_TARGET = 1.2  # x the floor
PROCESS_TARGET = 1.75  # x the floor


def _start_fake(delay: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakes", "openai", "--delay", str(delay)],
        cwd=ROOT / "tests",
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base = proc.stdout.readline().strip()
    return proc, base if base.endswith("/v1") else f"{base}/v1"


def _harness_run(suite: Path, results: Path, run_id: str, workers: int | None) -> dict[str, float]:
    """The `harness run` program, as a user starts it, in a fresh process: its wall time, and
    its phases from the run's timings.json."""
    command = [sys.executable, "-m", "harness", "run", str(suite), "--results", str(results)]
    command += ["--run-id", run_id] + ([] if workers is None else ["--workers", str(workers)])
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"harness run failed:\n{out.stderr[-3000:]}")
    timings = json.loads((results / run_id / "timings.json").read_text())
    return {
        **timings["phases"],
        "process": elapsed,
        "execute": timings["seconds"],
        "workers": max(timings["workers"].values(), default=1),
        "errors": timings["errors"],
        "calls": timings["answers"] - timings["cache_hits"],
    }


def _script_figures(what: str, code: str, *args: str) -> dict[str, float]:
    """The JSON object a `python -c` script prints last."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{what} failed:\n{out.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def _cpu_of_execute(
    suite: Path, results: Path, run_id: str, workers: int | None
) -> dict[str, float]:
    """CPU seconds of `execute` (this process and its workers) with the SDK imported before the
    count starts, so that a per-call figure does not carry the import."""
    code = (
        "import json, os, sys; import openai\n"
        "from pathlib import Path\n"
        "from harness.pipeline import RunOptions, prepare, execute\n"
        f"p = prepare(RunOptions(suite=Path({str(suite)!r}), "
        f"results=Path({str(results)!r}), run_id={run_id!r}, workers={workers!r}))\n"
        "cpu = lambda t: t.user + t.system + t.children_user + t.children_system\n"
        "c0 = cpu(os.times()); o = execute(p); cpu = cpu(os.times()) - c0\n"
        "print(json.dumps({'cpu': cpu, 'requests': o.phases['requests'],\n"
        "                  'workers': max(o.workers.values(), default=1)}))\n"
    )
    return _script_figures("harness run", code)


_BARE = """
import asyncio, json, sys, time
from pathlib import Path
from harness.pipeline import RunOptions, prepare
from harness.run import plan_calls
from harness.store import ResponseStore
suite, store, url, concurrency = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
prepared = prepare(RunOptions(suite=suite, results=store.parent, run_id="bare"))
with ResponseStore(store) as s:
    plan = plan_calls(prepared.runs, prepared.cases, samples=1, store=s)
requests = [c.request for c in plan.pending]
bodies = [
    {"model": "bench", "messages": r.chat_messages(), "temperature": r.temperature,
     "max_tokens": r.max_tokens, "response_format": {"type": "json_object",
     "schema": dict(r.response_schema or {})}}
    for r in requests
]
start = time.perf_counter()
import httpx2, openai
client = openai.AsyncOpenAI(api_key="x", base_url=url, max_retries=0,
                            http_client=openai.DefaultAioHttpClient())
imported = time.perf_counter() - start
async def main() -> float:
    gate = asyncio.Semaphore(concurrency)
    async def one(body):
        async with gate:
            raw = await client.post("/chat/completions", body=body, cast_to=httpx2.Response)
            return raw.json()
    t = time.perf_counter()
    await asyncio.gather(*(one(b) for b in bodies))
    took = time.perf_counter() - t
    await client.close()
    return took
print(json.dumps({"import": imported, "calls": asyncio.run(main())}))
"""


def _bare_sdk(suite: Path, store: Path, url: str) -> dict[str, float]:
    """The same requests posted by a bare script through the same SDK client (aiohttp
    transport) under one semaphore: the SDK's own floor on this machine, for comparison."""
    return _script_figures("bare SDK script", _BARE, str(suite), str(store), url, str(CONCURRENCY))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--transport", default="", help="openai backend option, e.g. aiohttp")
    parser.add_argument("--workers", type=int, help="processes per model (default: auto)")
    args = parser.parse_args()
    floor = args.cases * LATENCY_S / CONCURRENCY
    option = f"&transport={args.transport}" if args.transport else ""

    def suite_for(url: str, name: str) -> Path:
        spec = f"openai:bench@{url}?response_format=json_object{option}"
        block = (
            f"  - {{spec: '{spec}', max_tokens: 64, concurrency: {CONCURRENCY}, max_attempts: 1}}"
        )
        return write_suite(Path(tmp) / name, args.cases, block)

    with tempfile.TemporaryDirectory() as tmp:
        fake, url = _start_fake(LATENCY_S)
        try:
            suite = suite_for(url, "slow")
            runs = [
                _harness_run(suite, Path(tmp) / f"r{i}", "cold", args.workers)
                for i in range(args.repeats)
            ]
            cached = _harness_run(suite, Path(tmp) / "r0", "warm", args.workers)
            bare = [
                _bare_sdk(suite, Path(tmp) / f"b{i}" / "store.sqlite", url)
                for i in range(args.repeats)
            ]
        finally:
            fake.terminate()
        fake0, url0 = _start_fake(0.0)
        try:
            fast = suite_for(url0, "fast")
            zero = _cpu_of_execute(fast, Path(tmp) / "z", "z", args.workers)
            zero_cached = _cpu_of_execute(fast, Path(tmp) / "z", "z2", args.workers)
        finally:
            fake0.terminate()
    assert all(r["errors"] == 0 and r["calls"] == args.cases for r in runs), runs
    req = statistics.median(r["requests"] for r in runs)
    proc = statistics.median(r["process"] for r in runs)
    workers = statistics.median(r["workers"] for r in runs)
    print(
        f"{args.cases} cases, {LATENCY_S * 1000:.0f} ms latency, concurrency {CONCURRENCY}, "
        f"{workers:.0f} worker process(es), transport {args.transport or 'default'}: "
        f"floor {floor:.2f} s (median of {args.repeats})"
    )
    print(f"  request phase   {req:6.2f} s  = {req / floor:.2f}x floor (target {REQUEST_TARGET}x)")
    print(
        f"  whole process   {proc:6.2f} s  = {proc / floor:.2f}x floor (target {PROCESS_TARGET}x)"
    )
    names = ("plan", "connect", "detect ahead", "detect", "metrics", "write")
    phases = {k: statistics.median(r[k] for r in runs) for k in names}
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(
        f"  cached rerun    {cached['process']:6.2f} s whole process, {cached['calls']:.0f} calls: "
        f"{cached['execute']:.2f} s from the plan to the files (target < 1 s), "
        f"{cached['process'] - cached['execute']:.2f} s startup and suite"
    )
    bare_calls = statistics.median(b["calls"] for b in bare)
    bare_import = statistics.median(b["import"] for b in bare)
    print(
        f"  bare SDK script, same requests: calls {bare_calls:.2f} s = {bare_calls / floor:.2f}x "
        f"floor, SDK import and client {bare_import:.2f} s (harness request phase "
        f"{req / bare_calls:.2f}x the bare script's calls)"
    )
    cpu_ms = zero["cpu"] / args.cases * 1000
    calls_ms = (zero["cpu"] - zero_cached["cpu"]) / args.cases * 1000
    print(
        f"  at 0 ms: requests {zero['requests']:.2f} s ({zero['workers']:.0f} worker(s)); "
        f"our CPU {cpu_ms:.2f} ms per call over the whole execute (calls, store, detectors, "
        f"metrics, files), {calls_ms:.2f} ms for the calls alone (minus a cached rerun's; "
        "SDK imported beforehand)"
    )
    ok = req <= REQUEST_TARGET * floor and proc <= PROCESS_TARGET * floor
    return 0 if ok and cached["calls"] == 0 and cached["execute"] < 1.0 else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
