"""Time from pressing `q` to the shell prompt, against a bare Textual app quitting.

Drives the real app in a pseudo-terminal: spawns `explore TARGET`, waits until
NEEDLE is drawn (the worker has imported the target, so a child is alive), sends
`q` and times until the process has exited. The baseline, in the same run, is
the smallest Textual app (stock driver) quitting on ctrl+q in the same terminal.
Goal: explore's median <= 0.3 s.

    .venv/bin/python benchmarks/bench_quit.py [--runs 5] [--target torch.distributions.Normal]
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _pty_app import BARE_APP, spawn, wait_exit

BIN = Path(sys.executable).parent
COLUMNS, ROWS = 120, 40


def time_quit(argv: list[str], needle: bytes, key: bytes, env: dict[str, str]) -> float:
    """Seconds from writing `key` to the exit of `argv`, once `needle` is on screen."""
    pid, fd = spawn(argv, env, COLUMNS, ROWS)
    try:
        _read_until(fd, needle, limit=120.0)
        time.sleep(0.5)  # let the first frames settle, as a user would
        started = time.perf_counter()
        os.write(fd, key)
        if not wait_exit(pid, fd, limit=10, poll=0.005):
            raise TimeoutError(f"{argv[-1]} did not quit within 10 s")
        return time.perf_counter() - started
    finally:
        os.close(fd)


def _read_until(fd: int, needle: bytes, limit: float) -> None:
    seen, deadline = b"", time.monotonic() + limit
    while needle not in seen:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{needle!r} not on screen after {limit} s")
        if select.select([fd], [], [], 0.1)[0]:
            seen = (seen + os.read(fd, 65536))[-65536:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target", default="torch.distributions.Normal")
    parser.add_argument("--needle", default="Gaussian")
    args = parser.parse_args()
    bare, explore = [], []
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "TERM": "xterm-256color", "EXPLORER_DATA_DIR": data_dir}
        for _ in range(args.runs):
            bare.append(
                time_quit([sys.executable, "-c", BARE_APP], b"ready", b"\x11", env)  # ctrl+q
            )
            explore.append(
                time_quit([str(BIN / "explore"), args.target], args.needle.encode(), b"q", env)
            )
    for name, times in (("bare Textual app, ctrl+q", bare), (f"explore {args.target}, q", explore)):
        print(f"{name:<45} median {statistics.median(times):.3f} s  "
              f"({', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    ratio = statistics.median(explore) / statistics.median(bare)
    print(f"goal: explore <= 0.300 s; ratio to the bare app {ratio:.2f}")


if __name__ == "__main__":
    main()
