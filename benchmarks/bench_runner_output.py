"""How long the runner's event loop stalls while a run floods it with output.

Usage: .venv/bin/python benchmarks/bench_runner_output.py
A 20 ms interval timer records the largest gap between its ticks: first while
a trivial run finishes (the baseline, same session), then during each flood
(400,000 printed lines, one 20 MB line, 200,000 stderr lines, 3,000 plot()
calls). The kernel caps each run's output at 1 MB; the UI draws at most a
log's worth of lines per flush. Goal: every flood's worst gap <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from explorer.tui.app import create_app
from explorer.tui.screens.runner import RunnerScreen
from explorer.tui.widgets.run_output import RunOutput

FLOODS = {
    "trivial run (baseline)": "1 + 1",
    "400k printed lines": "for i in range(400_000):\n    print(i)",
    "one 20 MB line": "print('x' * 20_000_000)",
    "200k stderr lines": (
        "import sys\nfor i in range(200_000):\n    _ = sys.stderr.write(f'{i}\\n')"
    ),
    "3000 plot() calls": "for i in range(3000):\n    plot([1, 2, 3])",
}
TICK = 0.02


async def measure() -> list[tuple[str, float, float, str]]:
    app = create_app(None, run_timeout=60.0)
    rows = []
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f2")
        while not isinstance(app.screen, RunnerScreen):
            await pilot.pause(TICK)
        await app.kernel.run("pass", timeout=120.0)  # torch imported before timing
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        app.set_interval(TICK, tick)
        screen = app.screen
        assert isinstance(screen, RunnerScreen)
        output = screen.query_one(RunOutput)
        for number, (name, code) in enumerate(FLOODS.items(), 1):
            screen.editor.load_text(code)
            await pilot.pause(0.2)
            gaps.clear()
            started = time.perf_counter()
            await pilot.press("ctrl+r")
            while not (len(output.cards) >= number and output.cards[-1].result):
                await pilot.pause(TICK)
            elapsed = time.perf_counter() - started
            await pilot.pause(0.3)  # the last flushes
            result = output.cards[-1].result
            status = result.status if result is not None else "?"
            rows.append((name, elapsed, max(gaps) if gaps else 0.0, status))
    return rows


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    rows = asyncio.run(measure())
    print(f"{'run':<26} {'wall':>8} {'worst loop gap':>15}  status")
    for name, elapsed, gap, status in rows:
        print(f"{name:<26} {elapsed:>7.2f}s {gap * 1000:>12.0f} ms  {status}")
    baseline = rows[0][2]
    worst = max(gap for _, _, gap, _ in rows[1:])
    print(
        f"worst flood gap {worst * 1000:.0f} ms vs baseline {baseline * 1000:.0f} ms "
        f"(timer interval {TICK * 1000:.0f} ms; goal <= 150 ms)"
    )


if __name__ == "__main__":
    main()
