"""100,000 cases through the sim backend at 0 ms: wall time and peak memory of the whole
`harness run` (expansion, calls, store, detectors, metrics, files).

    python bench/sim_scale.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from suite_gen import write_suite

MEMORY_TARGET_MB = 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        suite = write_suite(
            Path(tmp) / "suite",
            args.cases,
            "  - {spec: 'sim:scale?seed=1&noise=0.1', concurrency: 64}",
        )
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "run",
                str(suite),
                "--results",
                str(Path(tmp) / "r"),
                "--run-id",
                "scale",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{args.cases:,} cases through sim at 0 ms: {seconds:.1f} s, "
        f"peak memory {peak_mb:.0f} MB (target < {MEMORY_TARGET_MB} MB)"
    )
    return 0 if peak_mb < MEMORY_TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
