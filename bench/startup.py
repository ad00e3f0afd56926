"""How long `harness --help` takes, and what `import harness.cli` costs (-X importtime).

python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET_S = 0.5  # `harness --help` must answer well under a second


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "harness", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import harness.cli"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()
    rows = [line.split("|") for line in trace if line.startswith("import time:") and "|" in line]
    cumulative = sorted(
        ((int(r[1]), r[2].strip()) for r in rows if r[1].strip().isdigit()), reverse=True
    )
    median = statistics.median(times)
    print(
        f"harness --help: median {median * 1000:.0f} ms over {args.runs} runs "
        f"(target < {TARGET_S * 1000:.0f} ms)"
    )
    print("largest cumulative imports of harness.cli (us):")
    for us, name in cumulative[:8]:
        print(f"  {us:>8}  {name}")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
