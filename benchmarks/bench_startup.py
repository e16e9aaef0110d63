"""Time from `explore torch.distributions` to "Multinomial" on screen, against plain import.

Drives the real app in a pseudo-terminal (tall enough that Multinomial is in
the member list without scrolling) and, in the same run, times
`python -c "import torch.distributions"`. Prints both medians and the ratio
(goal: <= 1.3).

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--target torch.distributions]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COLUMNS, ROWS = 120, 80


def time_import(module: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    return time.perf_counter() - started


def _set_size(fd: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))


def time_app(target: str, needle: bytes, data_dir: str, limit: float = 60.0) -> float:
    """Seconds from spawning `explore TARGET` in a pty until `needle` is drawn."""
    env = {**os.environ, "TERM": "xterm-256color", "EXPLORER_DATA_DIR": data_dir}
    env.pop("NO_COLOR", None)
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: becomes the app, with the pty as its terminal
        _set_size(0)
        os.execve(str(BIN / "explore"), [str(BIN / "explore"), target], env)
    _set_size(fd)
    seen = b""
    try:
        while True:
            remaining = limit - (time.perf_counter() - started)
            if remaining <= 0:
                raise TimeoutError(f"{needle!r} not on screen after {limit} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the app exited
                raise RuntimeError(f"explore exited before drawing {needle!r}") from None
            seen = (seen + chunk)[-65536:]
            if needle in seen:
                return time.perf_counter() - started
    finally:
        _quit(pid, fd)


def _quit(pid: int, fd: int) -> None:
    try:
        os.write(fd, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return
            if select.select([fd], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target", default="torch.distributions")
    parser.add_argument("--needle", default="Multinomial")
    args = parser.parse_args()
    module = args.target
    time_import(module)  # both sides start with a warm file cache
    imports, apps = [], []
    with tempfile.TemporaryDirectory() as data_dir:
        for _ in range(args.runs):
            imports.append(time_import(module))
            apps.append(time_app(args.target, args.needle.encode(), data_dir))
    base, app = statistics.median(imports), statistics.median(apps)
    print(
        f"python -c 'import {module}'  median {base:.3f} s  "
        f"({', '.join(f'{t:.2f}' for t in imports)})"
    )
    print(
        f"explore {args.target} -> {args.needle!r} on screen  median {app:.3f} s  "
        f"({', '.join(f'{t:.2f}' for t in apps)})"
    )
    print(f"ratio {app / base:.2f}  (goal <= 1.3)")


if __name__ == "__main__":
    main()
