"""What the terminal benchmarks share: an app in a pseudo-terminal, waiting for it to
exit, and the smallest Textual app as the baseline (imported by bench_quit and
bench_startup; not a benchmark itself)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time

BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare app ready')\n"
    "Bare().run()\n"
)


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def spawn(argv: list[str], env: dict[str, str], columns: int, rows: int) -> tuple[int, int]:
    """(pid, the pty's fd) of `argv` running with a `columns` x `rows` pty as its terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # child: becomes the app
        _set_size(0, columns, rows)
        os.execve(argv[0], argv, env)
    _set_size(fd, columns, rows)
    return pid, fd


def wait_exit(pid: int, fd: int, limit: float, poll: float) -> bool:
    """Drain the pty until `pid` exits (True); SIGKILL it after `limit` seconds (False)."""
    deadline = time.monotonic() + limit
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return False
        if select.select([fd], [], [], poll)[0]:
            with contextlib.suppress(OSError):  # the pty closes as the app exits
                os.read(fd, 65536)
    return True
