"""The kernel's half of `--run-examples` collection: import, then walk.

Runs in the kernel (the `collect_examples` op), never in the CLI or the UI:
it imports the target, then each public submodule of a package that nothing
imported yet (so `torch.nn.utils.prune` is searched too), each under a time
limit, and answers with the example blocks of everything now loaded
(explorer.core.example_walk). A submodule that raises, calls sys.exit or
overruns its limit is noted and skipped. One that kills the process or hangs
in C code beyond the reach of a signal cannot be handled here: the client
knows which one from the last "importing" event, restarts the kernel and asks
again with that module in `skip`.
"""

from __future__ import annotations

import importlib
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from explorer.core.errors import UsageError
from explorer.core.example_walk import find_blocks, submodules_on_disk
from explorer.core.model import ImportFailure
from explorer.core.objects import describe_error
from explorer.core.resolve import TargetError, resolve, validate
from explorer.proc.messages import Collected, CollectRequest, Importing, Walking
from explorer.proc.protocol import Emit


class OverTime(BaseException):
    """An import ran past its limit (a BaseException: `except Exception` in the
    module being imported must not swallow it)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise OverTime in the main thread after `seconds` (no limit: None)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise OverTime

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def collect_examples(request: CollectRequest, emit: Emit) -> Collected:
    """The kernel's collect_examples op. The target's import gets `target_timeout`,
    each submodule's `import_timeout` (None: no limit); `limit_hint` tells the user
    how to change a limit ("--timeout S") at the end of an overrun's message."""
    target, hint = request.target, request.limit_hint
    validate(target)
    _import_target(target, _seconds(request.target_timeout), hint)
    imported: list[str] = []
    failures: list[ImportFailure] = []
    if request.submodules:
        limit = _seconds(request.import_timeout)
        for name in _submodules_to_import(target, set(request.skip)):
            emit(Importing(name))
            why = _import_one(name, limit, hint)
            if why is None:
                imported.append(name)
            else:
                failures.append(ImportFailure(name, why))
    emit(Walking())  # the importing is over: the client's deadline is now the walk's
    blocks, unsearched = find_blocks(target)
    return Collected(tuple(blocks), tuple(unsearched), tuple(imported), tuple(failures))


def _seconds(value: float | None) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _import_target(target: str, seconds: float | None, limit_hint: str) -> None:
    try:
        with time_limit(seconds):
            resolve(target)
    except (OverTime, TargetError) as exc:
        # resolve() reports an import's failure as a TargetError caused by it.
        if not isinstance(exc, OverTime) and not isinstance(exc.__cause__, OverTime):
            raise
        raise UsageError(
            f"importing {target} took longer than {seconds:g} s{_hint(limit_hint)}"
        ) from None


def _submodules_to_import(target: str, skip: set[str]) -> Iterator[str]:
    """Public submodules of the target nothing imported yet, parents first; a package
    that failed (or is skipped) takes its submodules along."""
    package = sys.modules.get(target)
    if package is None:
        return  # a class or function: nothing below it to import
    given_up: list[str] = []
    for name in submodules_on_disk(package):
        if any(name.startswith(f"{bad}.") for bad in given_up):
            continue
        if name in skip:
            given_up.append(name)
        elif name not in sys.modules:
            yield name
            if name not in sys.modules:
                given_up.append(name)


def _import_one(name: str, seconds: float | None, limit_hint: str) -> str | None:
    """Import `name`; None when it worked, else why it did not (one line)."""
    try:
        with time_limit(seconds):
            importlib.import_module(name)
    except OverTime:
        sys.modules.pop(name, None)
        return f"took longer than {seconds:g} s{_hint(limit_hint)}"
    except SystemExit as exc:
        return f"called sys.exit({exc.code!r})"
    except KeyboardInterrupt:
        raise  # the client's interrupt: the whole collection stops
    except BaseException as exc:  # noqa: BLE001 - any failure of the module is its own
        return describe_error(exc)
    return None


def _hint(limit_hint: str) -> str:
    return f" ({limit_hint})" if limit_hint else ""
