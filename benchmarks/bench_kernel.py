"""Kernel round trip: a trivial snippet through WorkerClient vs the code's own time.

    .venv/bin/python benchmarks/bench_kernel.py [--runs N]

Prints, from one run: the kernel's cold start (first ping) and first seeded run
(the torch import), then median/p95 of the warm round trip of `1+1` next to
the time the code itself took inside the kernel; the difference is the
overhead of the process boundary (goal: <= 20 ms). Also the address space a
bare `import torch` needs, the number the kernel's memory cap is chosen from.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from explorer import settings
from explorer.proc.client import WorkerClient
from explorer.proc.messages import LimitsRequest, PingRequest, RunRequest

VM_AFTER_TORCH = (
    "import torch\n"
    "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
    "print(status['VmSize'].strip(), status['VmPeak'].strip())\n"
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


async def measure(runs: int) -> None:
    started = time.perf_counter()
    async with WorkerClient("kernel", timeout=120.0) as kernel:
        await kernel.ask(PingRequest())
        print(f"kernel start (first ping):      {ms(time.perf_counter() - started)}")
        started = time.perf_counter()
        await kernel.run(RunRequest("pass"))  # seeds the namespace: import torch
        print(f"first run (seeds, imports torch): {ms(time.perf_counter() - started)}")
        for _ in range(20):  # warm up both sides
            await kernel.run(RunRequest("1+1"))
        for code in ("1+1", "print('hello')"):
            trips, own = await round_trips(kernel, code, runs)
            report(code, runs, trips, own)
        limits = await kernel.ask(LimitsRequest())
    print(
        f"seeded kernel address space: VmSize {(limits.vmsize or 0) / 2**20:.0f} MiB, "
        f"VmPeak {(limits.vmpeak or 0) / 2**20:.0f} MiB; cap {limits.memory / 2**30:g} GiB"
    )


async def round_trips(kernel: WorkerClient, code: str, runs: int) -> tuple[list[float], ...]:
    trips: list[float] = []
    own: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await kernel.run(RunRequest(code), on_event=lambda event: None)
        trips.append(time.perf_counter() - started)
        own.append(result.duration or 0.0)
        assert result.status == "ok", result
    return trips, own


def report(code: str, runs: int, trips: list[float], own: list[float]) -> None:
    overhead = [t - o for t, o in zip(trips, own, strict=True)]
    print(f"warm round trip of `{code}`, {runs} runs:")
    print(
        f"  round trip   median {ms(statistics.median(trips))}  p95 {ms(percentile(trips, 0.95))}"
    )
    print(f"  code's own   median {ms(statistics.median(own))}  p95 {ms(percentile(own, 0.95))}")
    print(
        f"  overhead     median {ms(statistics.median(overhead))}  "
        f"p95 {ms(percentile(overhead, 0.95))}   (goal <= 20 ms)"
    )


def torch_address_space() -> None:
    out = subprocess.run(
        [sys.executable, "-c", VM_AFTER_TORCH], capture_output=True, text=True, check=True
    ).stdout.split()
    print(
        f"bare `python -c 'import torch'`: VmSize {int(out[0]) / 1024:.0f} MiB, "
        f"VmPeak {int(out[2]) / 1024:.0f} MiB; default cap "
        f"{settings.KERNEL_MEMORY_LIMIT / 2**30:g} GiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    asyncio.run(measure(options.runs))
    torch_address_space()


if __name__ == "__main__":
    main()
