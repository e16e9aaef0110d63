"""What a subprocess can do wrong, as exceptions the caller shows in one line."""

from __future__ import annotations

import signal

from explorer.core.errors import UsageError


class ProcError(UsageError):
    """A subprocess problem the user sees as one line (never a traceback)."""


class WorkerError(ProcError):
    """The child answered with an error reply."""

    def __init__(self, type_name: str, message: str, traceback: str = "") -> None:
        super().__init__(message if type_name == "UsageError" else f"{type_name}: {message}")
        self.type = type_name
        self.message = message
        self.traceback = traceback


class WorkerTimeout(ProcError):
    """The request overran its timeout; the child was restarted."""


class WorkerDied(ProcError):
    """The child exited or crashed; the next request starts a fresh one."""

    def __init__(self, message: str, returncode: int | None = None, stderr: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


def signal_name(number: int) -> str:
    """`signal 11 SIGSEGV`."""
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = "unknown signal"
    return f"signal {number} {name}"


def describe_exit(role: str, returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        return f"{role} died ({signal_name(-returncode)}) — restarted"
    return f"{role} exited (exit code {returncode}) — restarted"
