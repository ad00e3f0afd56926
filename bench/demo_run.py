"""Time the embedded default end to end: `harness run` (demo suite, local model) into a fresh
results folder, then the rerun served from the store.

    python bench/demo_run.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 300.0  # the demo must finish in under 5 minutes on a 2-core machine


def _timed_run(results: Path, run_id: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "harness", "run", "--results", str(results), "--run-id", run_id],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        cold = _timed_run(results, "cold")
        warm = _timed_run(results, "warm")
        rows = [
            json.loads(x) for x in (results / "cold" / "responses.jsonl").read_text().splitlines()
        ]
    unique = {(r["case_id"], r["sample"]): r for r in rows}.values()
    tokens = [r["output_tokens"] or 0 for r in unique]
    latency = [r["latency_s"] for r in unique]
    print(f"demo run: {cold:.1f} s cold, {warm:.1f} s from the store (target < {TARGET_S:.0f} s)")
    print(
        f"answers: {len(tokens)}; output tokens mean {statistics.mean(tokens):.1f}; "
        f"latency mean {statistics.mean(latency):.2f} s; "
        f"output tokens per second of model time {sum(tokens) / sum(latency):.1f}"
    )
    return 0 if cold < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
