"""The kernel child: runs examples and snippets in a persistent, seeded namespace.

Run by explorer.proc.client; its ops (run, reset, variables, grad_graph, output,
limits, collect_examples, and list/doc/help/source/warm/ping as in the worker) are
described in explorer.proc.messages. A run streams Started (the namespace is seeded:
the client starts the run's clock), Output chunks and PlotEvents, then a RunReply.
The namespace persists; it is (re)seeded on the first run or with fresh=true:
the globals of seed_module (or of the module defining it), `imports` or else the
package's example conventions, `plot`, then `setup` code (explorer.proc.namespace).
With scope="session", list/doc/help/source start at a variable of the namespace
(live object inspection).

Output is capped per run, the last expression's value comes back as a repr
like a REPL, and SIGINT stops a run with KeyboardInterrupt. The address-space
cap (hard and soft, set at start-up) turns a huge allocation into a "memory"
status instead of a machine-wide out-of-memory kill.
"""

from __future__ import annotations

import ast
import errno
import linecache
import re
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.model import GradGraph, Plot, Record, RunStatus, Variables
from explorer.proc.capture import OutputPump, RingBuffer, text_stream
from explorer.proc.messages import (
    Collected,
    CollectRequest,
    GradGraphRequest,
    Limits,
    LimitsRequest,
    Op,
    Output,
    OutputRequest,
    PlotEvent,
    ResetReply,
    ResetRequest,
    RunReply,
    RunRequest,
    Scope,
    Started,
    Text,
    VariablesRequest,
)
from explorer.proc.namespace import Namespace, grad_graph, make_plot, short_repr
from explorer.proc.protocol import Emit, Handler, announce_ready, safe_str, serve
from explorer.proc.worker import inspection_handlers, keep_crash_reports, start_child

OUTPUT_LIMIT = settings.RUN_OUTPUT_LIMIT
VALUE_REPR_LIMIT = settings.VALUE_REPR_LIMIT
SNIPPET_PREFIX = "<snippet"
Imports = tuple[str, ...] | None
SESSION_MODULE = "__session__"  # stands in for the user's namespace in inspection targets
_REQUESTED = re.compile(r"tried to allocate (\d+) bytes")
_MEMORY_PHRASES = (
    "can't allocate memory",
    "out of memory",
    "not enough memory",
    "cannot allocate memory",
)


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
                self.emit(Output(stream, text))
            if self.truncated:
                note = f"\n[output truncated: more than {self.limit:,} characters; rest dropped]\n"
                self.emit(Output("stderr", note, truncated=True))


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

    def _emit_plot(self, plot: Plot) -> None:
        with self.state_lock:
            run = self.current
        if run is not None:
            run.emit(PlotEvent(plot))

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

    def _namespace(self, request: RunRequest) -> Namespace:
        if self.namespace is None or request.fresh:
            self.namespace = self._new_namespace(request.seed_module, request.imports,
                                                 request.setup)  # fmt: skip
        return self.namespace

    def _new_namespace(self, seed: str | None, imports: Imports, setup: str = "") -> Namespace:
        return Namespace(seed, imports, extras={"plot": make_plot(self._emit_plot)}, setup=setup)

    # ---- ops ----------------------------------------------------------------------

    def run(self, request: RunRequest, emit: Emit) -> RunReply:
        self.runs += 1
        filename = f"{SNIPPET_PREFIX} {self.runs}>"
        code = request.code
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        reply = RunReply(RunStatus.OK)
        with self._capturing(emit) as state:
            started = time.perf_counter()
            try:
                self._arm_interrupt()  # seeding (a slow or hanging import) is interruptible too
                namespace = self._namespace(request)
                emit(Started())  # the client's timeout counts from here, not from the import
                started = time.perf_counter()
                value = self._execute(code, filename, namespace.globals)
                reply = replace(reply, value_repr=value)
            except BaseException as exc:  # noqa: BLE001 - every failure is a result
                self.running = False
                reply = self._failure(exc)
            finally:
                self.running = False
            duration = time.perf_counter() - started
        return replace(reply, duration=duration, truncated=state.truncated)

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

    def _failure(self, exc: BaseException) -> RunReply:
        status = RunStatus.ERROR
        message = ""
        if isinstance(exc, KeyboardInterrupt):
            status, message = RunStatus.INTERRUPTED, "interrupted (KeyboardInterrupt)"
        elif _is_out_of_memory(exc):
            status = RunStatus.MEMORY
            cap = gib(self.memory_limit) if self.memory_limit > 0 else "not set"
            message = f"out of memory: the kernel's memory cap is {cap}"
            if asked := _REQUESTED.search(safe_str(exc)):
                message += f"; the code asked for {gib(int(asked.group(1)))} at once"
        exception = "".join(traceback.format_exception_only(exc)).strip()
        if isinstance(exc, UsageError):  # a bad seed_module: the kernel's own one-liner
            exception = message = f"{type(exc).__name__}: {safe_str(exc)}"
        return RunReply(
            status, message=message, exception=exception, exception_type=type(exc).__name__,
            traceback=trimmed_traceback(exc),
        )  # fmt: skip

    def reset(self, request: ResetRequest, emit: Emit) -> ResetReply:
        self.namespace = self._new_namespace(request.seed_module, request.imports, request.setup)
        return ResetReply(self.namespace.seed, len(self.namespace.globals))

    def collect_examples(self, request: CollectRequest, emit: Emit) -> Collected:
        from explorer.proc.collect import collect_examples  # xdoctest: only when collecting

        self._arm_interrupt()  # the client's interrupt stops a collection as it stops a run
        try:
            return collect_examples(request, emit)
        finally:
            self.running = False

    def variables(self, request: VariablesRequest, emit: Emit) -> Variables:
        return Variables(tuple(self.namespace.variables()) if self.namespace is not None else ())

    def graph(self, request: GradGraphRequest, emit: Emit) -> GradGraph:
        if self.namespace is None:
            self.namespace = self._new_namespace(None, None)
        return grad_graph(self.namespace, request.name)

    def output(self, request: OutputRequest, emit: Emit) -> Text:
        for pump in self.pumps:
            pump.sync()
        text = self.background.text()
        if request.clear:
            self.background.clear()
        return Text(text)

    def limits(self, request: LimitsRequest, emit: Emit) -> Limits:
        """The caps, and the address space in use now (how the memory cap was chosen)."""
        sizes = address_space()
        return Limits(self.memory_limit, OUTPUT_LIMIT, sizes.get("vmsize"), sizes.get("vmpeak"))

    def _in_session(self, handler: Handler) -> Handler:
        """list/doc/help/source with scope="session": the target starts at a variable."""

        def handle(request: Any, emit: Emit) -> Record:
            if request.scope != Scope.SESSION:
                return handler(request, emit)
            module = types.ModuleType(SESSION_MODULE)
            module.__dict__.update(self.namespace.globals if self.namespace else {})
            sys.modules[SESSION_MODULE] = module
            try:
                inner = replace(request, target=f"{SESSION_MODULE}.{request.target}")
                reply = handler(inner, emit)
            except UsageError as exc:
                message = str(exc).replace(
                    f"{SESSION_MODULE} has no attribute", "the kernel has no variable"
                )
                raise UsageError(_without_session_prefix(message)) from None
            finally:
                sys.modules.pop(SESSION_MODULE, None)
            return type(reply).from_dict(_without_session_prefix(reply.to_dict()))  # type: ignore[attr-defined, no-any-return]

        return handle

    def handlers(self) -> dict[Op, Handler]:
        inspection = {
            op: self._in_session(handler) if op in _SCOPED_OPS else handler
            for op, handler in inspection_handlers().items()
        }
        return {
            **inspection,
            Op.RUN: self.run,
            Op.RESET: self.reset,
            Op.COLLECT_EXAMPLES: self.collect_examples,
            Op.VARIABLES: self.variables,
            Op.GRAD_GRAPH: self.graph,
            Op.OUTPUT: self.output,
            Op.LIMITS: self.limits,
        }


_SCOPED_OPS = (Op.LIST, Op.DOC, Op.HELP, Op.SOURCE)


def _is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:  # mmap and friends
        return True
    return isinstance(exc, RuntimeError) and any(
        phrase in safe_str(exc).lower() for phrase in _MEMORY_PHRASES
    )


def _without_session_prefix(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_session_prefix(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_session_prefix(item) for item in value]
    if isinstance(value, str):
        return value.replace(SESSION_MODULE + ".", "")
    return value


def main(argv: list[str] | None = None) -> None:
    channel, original_stderr, memory = start_child(sys.argv[1:] if argv is None else argv)
    kernel = Kernel(memory)
    keep_crash_reports(original_stderr)
    announce_ready(channel)
    serve(channel, kernel.handlers())


if __name__ == "__main__":
    main()
