"""The kernel child: runs examples and snippets in a persistent, seeded namespace.

Run as `python -m explorer.proc.kernel [--memory-limit BYTES]`. Ops:

- run {code, seed_module?, fresh?, imports?, setup?}: events "started" (namespace
  ready; the client starts the run's clock), "stdout"/"stderr" {text} (the
  last stderr event of a flood has truncated=true), "plot" {kind, x, series,
  title, xlabel, ylabel}; result {status: ok|error|interrupted|memory,
  value_repr, exception, exception_type, traceback, message, duration,
  truncated}. The namespace persists; it is (re)seeded on the first run or
  with fresh=true (explorer.proc.namespace.Namespace): seed_module's globals,
  `imports` or else its package's example conventions, `plot`, `setup` code.
- collect_examples (explorer.proc.collect); reset {seed_module?, imports?, setup?};
  variables {} -> [{name, type, kind, repr, tensor: {shape, dtype, device,
  requires_grad, is_leaf, grad_shape, grad_fn}}]; grad_graph {name} -> {target,
  root: {name, variable, shape, repeat, children}, nodes, truncated, note};
  output {clear?} (what threads printed between runs); limits {} -> {memory, output,
  vmsize, vmpeak}.
- list/doc/help/source/warm/ping as in the worker; with scope="session" the
  target starts at a variable of the namespace (live object inspection).

Output is capped per run, the last expression's value comes back as a repr
like a REPL, and SIGINT stops a run with KeyboardInterrupt. The address-space
cap turns a huge allocation into a "memory" status instead of a machine-wide
out-of-memory kill.
"""

from __future__ import annotations

import argparse
import ast
import linecache
import os
import re
import resource
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.proc import collect
from explorer.proc.capture import OutputPump, RingBuffer, text_stream
from explorer.proc.namespace import Namespace, grad_graph, make_plot, short_repr
from explorer.proc.protocol import Emit, Handler, serve
from explorer.proc.worker import inspection_handlers, keep_crash_reports, start_child

DEFAULT_MEMORY_LIMIT = settings.KERNEL_MEMORY_LIMIT
OUTPUT_LIMIT = settings.RUN_OUTPUT_LIMIT
VALUE_REPR_LIMIT = settings.VALUE_REPR_LIMIT
SNIPPET_PREFIX = "<snippet"
SESSION_MODULE = "__session__"  # stands in for the user's namespace in inspection targets
_REQUESTED = re.compile(r"tried to allocate (\d+) bytes")
_MEMORY_PHRASES = (
    "can't allocate memory",
    "out of memory",
    "not enough memory",
    "cannot allocate memory",
)


def set_memory_limit(limit: int) -> None:
    """Cap the address space; never raise it above a hard limit set by the parent."""
    if limit <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def address_space() -> dict[str, int]:
    """VmSize/VmPeak of this process in bytes (Linux), {} elsewhere."""
    sizes: dict[str, int] = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmSize", "VmPeak"):
                    sizes[key.lower()] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return sizes


def gib(size: int) -> str:
    return f"{size / (1 << 30):.3g} GiB"


class RunState:
    """One run's output budget and event sink (written from the pump threads)."""

    def __init__(self, emit: Emit, limit: int = OUTPUT_LIMIT) -> None:
        self.emit = emit
        self.remaining = limit
        self.limit = limit
        self.truncated = False
        self.lock = threading.Lock()

    def write(self, stream: str, text: str) -> None:
        with self.lock:
            if self.truncated:
                return
            if len(text) > self.remaining:
                text = text[: self.remaining]
                self.truncated = True
            self.remaining -= len(text)
            if text:
                self.emit(stream, text=text)
            if self.truncated:
                note = f"\n[output truncated: more than {self.limit:,} characters; rest dropped]\n"
                self.emit("stderr", text=note, truncated=True)


def trimmed_traceback(exc: BaseException) -> str:
    """The traceback of the user's code only: kernel frames before it and the
    SIGINT handler's frame after it (a KeyboardInterrupt) are dropped."""
    tb = exc.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(SNIPPET_PREFIX):
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) or tb is None:
        return "".join(traceback.format_exception_only(exc))
    last_kept = tb
    step = tb
    while step.tb_next is not None:
        if step.tb_next.tb_frame.f_code.co_filename != __file__:
            last_kept = step.tb_next
        step = step.tb_next
    last_kept.tb_next = None
    return "".join(traceback.format_exception(type(exc), exc, tb))


class CompiledRun:
    """A snippet split like the REPL does: run the body, then show the last value."""

    def __init__(self, code: str, filename: str) -> None:
        tree = ast.parse(code, filename, "exec")
        body = tree.body[:-1]
        last = tree.body[-1] if tree.body else None
        self.head = compile(ast.Module(body=body, type_ignores=[]), filename, "exec")
        self.expression: types.CodeType | None = None
        self.statement: types.CodeType | None = None
        if isinstance(last, ast.Expr):
            self.expression = compile(ast.Expression(body=last.value), filename, "eval")
        elif last is not None:
            # A compound last statement runs like the interactive prompt: expression
            # statements inside it echo their values (as doctest expects).
            self.statement = compile(ast.Interactive(body=[last]), filename, "single")

    def execute(self, namespace: dict[str, Any]) -> Any:
        exec(self.head, namespace)  # noqa: S102 - running the user's code is the point
        if self.statement is not None:
            exec(self.statement, namespace)  # noqa: S102
        if self.expression is not None:
            return eval(self.expression, namespace)  # noqa: S307
        return None


def _echo(value: Any) -> None:
    if value is not None:
        print(repr(value))


class Kernel:
    def __init__(self, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.namespace: Namespace | None = None
        self.runs = 0
        self.current: RunState | None = None
        self.state_lock = threading.Lock()
        self.running = False  # SIGINT raises KeyboardInterrupt only while user code runs
        self.background = RingBuffer()
        self.pumps = [
            OutputPump(self._sink("stdout"), "stdout"),
            OutputPump(self._sink("stderr"), "stderr"),
        ]
        self.pumps[0].attach(1)
        self.pumps[1].attach(2)
        sys.stdout = text_stream(1)
        sys.stderr = text_stream(2)
        signal.signal(signal.SIGINT, self._on_sigint)

    # ---- plumbing -----------------------------------------------------------------

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self.running:
            raise KeyboardInterrupt

    def _sink(self, stream: str) -> Any:
        def write(text: str) -> None:
            with self.state_lock:
                run = self.current
            if run is None:
                self.background.write(text)  # from threads the user's code left running
            else:
                run.write(stream, text)

        return write

    def _emit_event(self, event: str, **data: Any) -> None:
        with self.state_lock:
            run = self.current
        if run is not None:
            run.emit(event, **data)

    @contextmanager
    def _capturing(self, emit: Emit) -> Iterator[RunState]:
        state = RunState(emit)
        with self.state_lock:
            self.current = state
        try:
            yield state
        finally:
            for pump in self.pumps:
                pump.sync()
            with self.state_lock:
                self.current = None

    def _namespace(self, args: dict[str, Any]) -> Namespace:
        if self.namespace is None or args.get("fresh"):
            self.namespace = self._new_namespace(args)
        return self.namespace

    def _new_namespace(self, args: dict[str, Any]) -> Namespace:
        return Namespace.from_request(args, extras={"plot": make_plot(self._emit_event)})

    # ---- ops ----------------------------------------------------------------------

    def run(self, args: dict[str, Any], emit: Emit) -> dict[str, Any]:
        code = str(args.get("code", ""))
        self.runs += 1
        filename = f"{SNIPPET_PREFIX} {self.runs}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        result: dict[str, Any] = {
            "status": "ok",
            "value_repr": None,
            "exception": "",
            "exception_type": None,
            "traceback": "",
            "message": "",
        }
        with self._capturing(emit) as state:
            started = time.perf_counter()
            try:
                self._arm_interrupt()  # seeding (a slow or hanging import) is interruptible too
                namespace = self._namespace(args)
                emit("started")  # the client's timeout counts from here, not from the import
                started = time.perf_counter()
                result["value_repr"] = self._execute(code, filename, namespace.globals)
            except BaseException as exc:  # noqa: BLE001 - every failure is a result
                self.running = False
                result.update(self._failure(exc))
            finally:
                self.running = False
            result["duration"] = time.perf_counter() - started
        result["truncated"] = state.truncated
        return result

    def _arm_interrupt(self) -> None:
        if signal.getsignal(signal.SIGINT) != self._on_sigint:
            signal.signal(signal.SIGINT, self._on_sigint)  # an earlier run may have replaced it
        self.running = True

    def _execute(self, code: str, filename: str, namespace: dict[str, Any]) -> str | None:
        compiled = CompiledRun(code, filename)
        hook = sys.displayhook
        try:
            sys.displayhook = _echo
            value = compiled.execute(namespace)
            return None if value is None else short_repr(value, VALUE_REPR_LIMIT, one_line=False)
        finally:
            sys.displayhook = hook

    def _failure(self, exc: BaseException) -> dict[str, Any]:
        status = "error"
        message = ""
        if isinstance(exc, KeyboardInterrupt):
            status, message = "interrupted", "interrupted (KeyboardInterrupt)"
        elif isinstance(exc, MemoryError) or (
            isinstance(exc, RuntimeError) and any(p in str(exc).lower() for p in _MEMORY_PHRASES)
        ):
            status = "memory"
            message = f"out of memory: the kernel's memory cap is {gib(self.memory_limit)}"
            if asked := _REQUESTED.search(str(exc)):
                message += f"; the code asked for {gib(int(asked.group(1)))} at once"
        exception = "".join(traceback.format_exception_only(exc)).strip()
        if isinstance(exc, UsageError):  # a bad seed_module: the kernel's own one-liner
            exception = message = f"{type(exc).__name__}: {exc}"
        return {
            "status": status,
            "message": message,
            "exception": exception,
            "exception_type": type(exc).__name__,
            "traceback": trimmed_traceback(exc),
        }

    def reset(self, args: dict[str, Any], emit: Emit) -> dict[str, Any]:
        self.namespace = self._new_namespace(args)
        return {"seed_module": self.namespace.seed, "names": len(self.namespace.globals)}

    def collect_examples(self, args: dict[str, Any], emit: Emit) -> dict[str, Any]:
        self._arm_interrupt()  # the client's interrupt stops a collection as it stops a run
        try:
            return collect.handle_collect(args, emit)
        finally:
            self.running = False

    def variables(self, args: dict[str, Any], emit: Emit) -> list[dict[str, Any]]:
        return self.namespace.variables() if self.namespace is not None else []

    def graph(self, args: dict[str, Any], emit: Emit) -> dict[str, Any]:
        return grad_graph(self._namespace({}), str(args.get("name", "")))

    def output(self, args: dict[str, Any], emit: Emit) -> str:
        for pump in self.pumps:
            pump.sync()
        text = self.background.text()
        if args.get("clear"):
            self.background.clear()
        return text

    def limits(self, args: dict[str, Any], emit: Emit) -> dict[str, Any]:
        """The caps, and the address space in use now (how the memory cap was chosen)."""
        return {"memory": self.memory_limit, "output": OUTPUT_LIMIT, **address_space()}

    def _in_session(self, handler: Handler) -> Handler:
        """list/doc/help/source with scope="session": the target starts at a variable."""

        def handle(args: dict[str, Any], emit: Emit) -> Any:
            if args.get("scope") != "session":
                return handler(args, emit)
            module = types.ModuleType(SESSION_MODULE)
            module.__dict__.update(self.namespace.globals if self.namespace else {})
            sys.modules[SESSION_MODULE] = module
            try:
                reply = handler({**args, "target": f"{SESSION_MODULE}.{args.get('target')}"}, emit)
            except UsageError as exc:
                message = str(exc).replace(
                    f"{SESSION_MODULE} has no attribute", "the kernel has no variable"
                )
                raise UsageError(_without_session_prefix(message)) from None
            finally:
                sys.modules.pop(SESSION_MODULE, None)
            return _without_session_prefix(reply)

        return handle

    def handlers(self) -> dict[str, Handler]:
        inspection = {
            op: self._in_session(handler) for op, handler in inspection_handlers().items()
        }
        return {
            **inspection,
            "run": self.run,
            "reset": self.reset,
            "collect_examples": self.collect_examples,
            "variables": self.variables,
            "grad_graph": self.graph,
            "output": self.output,
            "limits": self.limits,
        }


def _without_session_prefix(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_session_prefix(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_session_prefix(item) for item in value]
    if isinstance(value, str):
        return value.replace(SESSION_MODULE + ".", "")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m explorer.proc.kernel")
    default = int(os.environ.get("EXPLORER_KERNEL_MEMORY", DEFAULT_MEMORY_LIMIT))
    parser.add_argument(
        "--memory-limit", type=int, default=default, help="address-space cap in bytes (0: none)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    channel, original_stderr = start_child()
    set_memory_limit(options.memory_limit)
    kernel = Kernel(options.memory_limit)
    keep_crash_reports(original_stderr)
    serve(channel, kernel.handlers())


if __name__ == "__main__":
    main()
