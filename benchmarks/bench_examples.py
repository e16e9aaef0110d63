"""`explore TARGET --run-examples` next to xdoctest on the same module, same run.

Usage: .venv/bin/python benchmarks/bench_examples.py [--target torch.distributions] [--runs 3]
Both tools run alternately as fresh processes (so machine load hits both);
xdoctest runs as torch's doctest CI runs it (google style, dynamic analysis,
`from torch import nn` / `import torch.nn.functional as F` / `import torch`,
+IGNORE_WHITESPACE), the names explore's conventions table gives torch examples.
Acceptance: explore passes at least as many examples as xdoctest, in less
wall time (median). benchmarks/compare_xdoctest.py prints the table over
several modules.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # xdoctest exits 1 when a test fails
        sys.exit(f"{command[:3]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def explore_counts(target: str) -> tuple[float, dict[str, int]]:
    seconds, out = timed([str(BIN / "explore"), target, "--run-examples", "--json"])
    return seconds, json.loads(out)["summary"]


def xdoctest_counts(target: str) -> tuple[float, dict[str, int]]:
    command = [
        sys.executable, "-m", "xdoctest", target, "all", "--nocolor",
        "--style", "google", "--analysis", "dynamic",
        "--global-exec", r"from torch import nn\nimport torch.nn.functional as F\nimport torch",
        "--options", "+IGNORE_WHITESPACE",
    ]  # fmt: skip
    seconds, out = timed(command)
    # The closing line reads e.g. "=== 34 passed, 10 skipped, 1 warnings in 2.06 seconds ==="
    counts = {
        key: int(number)
        for number, key in re.findall(
            r"(\d+) (passed|failed|skipped)", out.splitlines()[-1] if out else ""
        )
    }
    return seconds, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", default="torch.distributions")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    explore_times: list[float] = []
    xdoctest_times: list[float] = []
    explore_summary: dict[str, int] = {}
    xdoctest_summary: dict[str, int] = {}
    for _ in range(options.runs):
        seconds, xdoctest_summary = xdoctest_counts(options.target)
        xdoctest_times.append(seconds)
        seconds, explore_summary = explore_counts(options.target)
        explore_times.append(seconds)
    explore_median = statistics.median(explore_times)
    xdoctest_median = statistics.median(xdoctest_times)
    print(f"target: {options.target}   runs: {options.runs} each, alternating")
    print(
        f"xdoctest: {xdoctest_summary.get('passed', 0)} passed, "
        f"{xdoctest_summary.get('skipped', 0)} skipped, {xdoctest_summary.get('failed', 0)} "
        f"failed   median wall {xdoctest_median:.2f} s  "
        f"(all: {', '.join(f'{t:.2f}' for t in xdoctest_times)})"
    )
    print(
        f"explore:  {explore_summary.get('passed', 0)} passed, "
        f"{explore_summary.get('skipped', 0)} skipped, "
        f"{explore_summary.get('differs', 0)} differ ({explore_summary.get('random', 0)} "
        f"random), {explore_summary.get('error', 0)} errors"
        f"   median wall {explore_median:.2f} s  "
        f"(all: {', '.join(f'{t:.2f}' for t in explore_times)})"
    )
    more = explore_summary.get("passed", 0) >= xdoctest_summary.get("passed", 0)
    faster = explore_median < xdoctest_median
    print(
        f"passes at least as many: {'yes' if more else 'NO'}   "
        f"faster: {'yes' if faster else 'NO'} (ratio {explore_median / xdoctest_median:.2f})"
    )


if __name__ == "__main__":
    main()
