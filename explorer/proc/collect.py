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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from explorer.core.errors import UsageError
from explorer.core.example_walk import collect_block_dicts, submodules_on_disk
from explorer.core.objects import describe_error
from explorer.core.resolve import TargetError, resolve, validate

Emit = Callable[..., None]


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


def collect_examples(
    target: str,
    *,
    submodules: bool = True,
    skip: tuple[str, ...] = (),
    target_timeout: float | None = None,
    import_timeout: float | None = None,
    limit_hint: str = "",
    emit: Emit,
) -> dict[str, Any]:
    """{"blocks", "unsearched", "imported", "import_failures": [{module, why}]}.

    `limit_hint` tells the user how to change a limit ("--timeout S"); it ends
    the message of an import that overran.
    """
    validate(target)
    _import_target(target, target_timeout, limit_hint)
    imported: list[str] = []
    failures: list[dict[str, str]] = []
    if submodules:
        _import_submodules(target, set(skip), import_timeout, limit_hint, emit, imported, failures)
    emit("walking")  # the importing is over: the client's deadline is now the walk's
    data = collect_block_dicts(target)
    data["imported"] = imported
    data["import_failures"] = failures
    return data


def handle_collect(args: dict[str, Any], emit: Emit) -> dict[str, Any]:
    """The kernel's collect_examples op: {target, submodules?, skip?, target_timeout?,
    import_timeout?, limit_hint?}; events "importing" {module} before each submodule
    import and "walking" after the last; result as `collect_examples`."""
    return collect_examples(
        str(args.get("target", "")),
        submodules=bool(args.get("submodules", True)),
        skip=tuple(str(name) for name in args.get("skip") or ()),
        target_timeout=_seconds(args.get("target_timeout")),
        import_timeout=_seconds(args.get("import_timeout")),
        limit_hint=str(args.get("limit_hint") or ""),
        emit=emit,
    )


def _seconds(value: Any) -> float | None:
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


def _import_submodules(
    target: str,
    skip: set[str],
    seconds: float | None,
    limit_hint: str,
    emit: Emit,
    imported: list[str],
    failures: list[dict[str, str]],
) -> None:
    package = sys.modules.get(target)
    if package is None:
        return  # a class or function: nothing below it to import
    given_up: list[str] = []  # a failed package takes its submodules along
    for name in submodules_on_disk(package):
        if name in sys.modules or any(name.startswith(f"{bad}.") for bad in given_up):
            continue
        if name in skip:
            given_up.append(name)
            continue
        emit("importing", module=name)
        why = _import_one(name, seconds, limit_hint)
        if why is None:
            imported.append(name)
        else:
            given_up.append(name)
            failures.append({"module": name, "why": why})


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
    except TargetError as exc:
        return str(exc)
    except BaseException as exc:  # noqa: BLE001 - any failure of the module is its own
        return describe_error(exc)
    return None


def _hint(limit_hint: str) -> str:
    return f" ({limit_hint})" if limit_hint else ""
