"""Time from `explore TARGET` to a member name on screen, against plain import, same run.

Drives the real app in a pseudo-terminal (tall enough that the name is in the
member list without scrolling) and, in the same run, times `python -c "import
MODULE"`. Prints both medians and the ratio.

Each app line is the median time from spawning the process; "first frame" is
when the app has drawn its first screen (more than FRAME_BYTES written).

Default (live): the app runs with an empty cache dir, so no search index can
help; the members come from the worker once it has imported the target
(goal <= 1.3x the import).

`--warm-index`: the torch index is made current first (`explore --index torch`
when it is missing or stale), then `explore torch.distributions` until "Multinomial"
shows and `explore torch.nn` until "Linear" shows, each against its own import
(goal <= 0.5x: the first paint comes from the index; the members are in the
app's first frame). Also printed: the home screen (`explore` until "Recent and
suggested" shows) and the floor, a bare Textual app (one Static) from process
start to its first frame.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--target torch.distributions]
    .venv/bin/python benchmarks/bench_startup.py --warm-index [--runs 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from _pty_app import BARE_APP, spawn, wait_exit

BIN = Path(sys.executable).parent
EXPLORE = str(BIN / "explore")
COLUMNS, ROWS = 120, 120  # torch.nn lists Linear on its ~90th row
WARM_TARGETS = (("torch.distributions", "Multinomial"), ("torch.nn", "Linear"))
HOME_NEEDLE = "Recent and suggested"


def time_import(module: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    return time.perf_counter() - started


def _set_size(fd: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))


FRAME_BYTES = 2048  # more than the terminal set-up sequences: a frame has been drawn


def time_screen(
    argv: list[str], needle: bytes, env: dict[str, str], limit: float = 60.0
) -> tuple[float, float]:
    """Seconds from spawning `argv` in a pty until its first frame, and until `needle`
    is drawn."""
    env = {**env, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    started = time.perf_counter()
    pid, fd = spawn(argv, env, COLUMNS, ROWS)
    seen, total, first_frame = b"", 0, None
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
                raise RuntimeError(f"{argv[-1]} exited before drawing {needle!r}") from None
            now = time.perf_counter() - started
            total += len(chunk)
            if first_frame is None and total > FRAME_BYTES:
                first_frame = now
            seen = (seen + chunk)[-65536:]
            if needle in seen:
                return first_frame or now, now
    finally:
        _quit(pid, fd)


def _quit(pid: int, fd: int) -> None:
    try:
        os.write(fd, b"\x11")  # ctrl+q
        wait_exit(pid, fd, limit=5, poll=0.05)
    finally:
        os.close(fd)


def _line(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    print(f"{label:<58} median {median:.3f} s  ({', '.join(f'{t:.2f}' for t in times)})")
    return median


def live(args: argparse.Namespace) -> None:
    module = args.target
    time_import(module)  # both sides start with a warm file cache
    imports, apps = [], []
    with tempfile.TemporaryDirectory() as scratch:
        # No index in an empty cache dir: this measures the worker's answer.
        env = {**os.environ, "EXPLORER_DATA_DIR": scratch, "EXPLORER_CACHE_DIR": scratch}
        for _ in range(args.runs):
            imports.append(time_import(module))
            apps.append(time_screen([EXPLORE, args.target], args.needle.encode(), env))
    base = _line(f"python -c 'import {module}'", imports)
    _line(f"explore {args.target}: first frame (no index)", [first for first, _ in apps])
    app = _line(f"explore {args.target} -> {args.needle!r} (no index)", [t for _, t in apps])
    print(f"ratio {app / base:.2f}  (goal <= 1.3)")


def _current_torch_index(env: dict[str, str]) -> None:
    """Build the torch index only when the stored one is missing or stale."""
    from explorer.proc.search.build import stored_index

    stored = stored_index("torch")
    if stored is not None and not stored.stale:
        stored.index.close()
        return
    print("building the torch index: explore --index torch")
    subprocess.run([EXPLORE, "--index", "torch"], check=True, env=env, stdout=subprocess.DEVNULL)


def warm_index(args: argparse.Namespace) -> None:
    env = dict(os.environ)
    _current_torch_index(env)
    for module, _ in WARM_TARGETS:
        time_import(module)  # warm file caches on both sides
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        env["EXPLORER_DATA_DIR"] = data_dir  # no recent targets: the home screen as on day one
        for _ in range(args.runs):
            for module, needle in WARM_TARGETS:
                results.setdefault(module, []).append(time_import(module))
                first, shown = time_screen([EXPLORE, module], needle.encode(), env)
                results.setdefault(f"{module} frame", []).append(first)
                results.setdefault(f"explore {module}", []).append(shown)
            results.setdefault("home", []).append(
                time_screen([EXPLORE], HOME_NEEDLE.encode(), env)[1]
            )
            results.setdefault("bare", []).append(
                time_screen([sys.executable, "-c", BARE_APP], b"bare app ready", env)[1]
            )
    for module, needle in WARM_TARGETS:
        base = _line(f"python -c 'import {module}'", results[module])
        _line(f"explore {module}: first frame", results[f"{module} frame"])
        app = _line(f"explore {module} -> {needle!r} (warm index)", results[f"explore {module}"])
        print(f"{'':<58} ratio {app / base:.2f}  (goal <= 0.5)")
    _line(f"explore (home) -> {HOME_NEEDLE!r}", results["home"])
    _line("floor: bare Textual app, start -> first frame", results["bare"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--target", default="torch.distributions")
    parser.add_argument("--needle", default="Multinomial")
    parser.add_argument(
        "--warm-index", action="store_true", help="torch.distributions and torch.nn with a "
        "current torch index; the home screen; a bare Textual app's first frame",
    )  # fmt: skip
    args = parser.parse_args()
    (warm_index if args.warm_index else live)(args)


if __name__ == "__main__":
    main()
