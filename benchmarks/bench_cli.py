"""Median wall time of `explore torch.distributions --list` next to a bare import.

Usage: .venv/bin/python benchmarks/bench_cli.py [--runs N]
Both commands run alternately in the same session, so machine load hits both.
Goal: ratio <= 1.1 (issue 11: every view in a child process, at the import floor).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--target", default="torch.distributions")
    options = parser.parse_args()
    explore = [str(BIN / "explore"), options.target, "--list"]
    baseline = [sys.executable, "-c", f"import {options.target}"]
    wall_time(baseline)  # warm the page cache for both
    wall_time(explore)
    ours, base = [], []
    for _ in range(options.runs):
        ours.append(wall_time(explore))
        base.append(wall_time(baseline))
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    print(f"runs: {options.runs} each, alternating")
    print(f"explore {options.target} --list     median {ours_median * 1000:7.0f} ms")
    print(f'python -c "import {options.target}"  median {base_median * 1000:7.0f} ms')
    print(f"ratio: {ours_median / base_median:.2f}  (goal <= 1.10)")


if __name__ == "__main__":
    main()
