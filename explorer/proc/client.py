"""Start worker/kernel subprocesses and talk to them without ever blocking the caller.

`WorkerClient` is asyncio (the TUI); `SyncClient` wraps it for the CLI. One
reader task per process dispatches events and replies by request id, so a
cancelled request never desynchronises the stream. Every request has a
timeout: a worker that overruns is killed and restarted; a kernel first gets
SIGINT (KeyboardInterrupt) and is killed only if it ignores it. A child that
dies is reported as WorkerDied and replaced for the next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from explorer.proc.errors import (
    ProcError,
    WorkerDied,
    WorkerError,
    WorkerTimeout,
    describe_exit,
)
from explorer.proc.protocol import decode, encode, request

__all__ = ["ProcError", "SyncClient", "WorkerClient", "WorkerDied", "WorkerError",
           "WorkerTimeout"]

EventHandler = Callable[[dict[str, Any]], None]

DEFAULT_TIMEOUTS = {"worker": 30.0, "kernel": 10.0}
INTERRUPT_GRACE = 1.0  # seconds a kernel gets to honour SIGINT before it is killed
LINE_LIMIT = 1 << 28  # replies (a big listing, a source file) are one JSON line
_UNSET: Any = object()


class _Child:
    """One running subprocess with its reader task and in-flight requests."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, tuple[asyncio.Future[Any], EventHandler | None]] = {}
        self.stderr_tail: deque[str] = deque(maxlen=40)
        self.reader: asyncio.Task[None] | None = None
        self.stderr_reader: asyncio.Task[None] | None = None
        self.death: WorkerDied | None = None


class WorkerClient:
    """Talks to a `worker` or `kernel` child over the JSON-lines protocol."""

    def __init__(
        self,
        role: str = "worker",
        *,
        timeout: float | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        extra_path: Sequence[str] = (),
        warm: Sequence[str] = (),
        memory_limit: int | None = None,
        interrupt_grace: float = INTERRUPT_GRACE,
    ) -> None:
        if role not in DEFAULT_TIMEOUTS:
            raise ValueError(f"role must be 'worker' or 'kernel', not {role!r}")
        self.role = role
        self.timeout = DEFAULT_TIMEOUTS[role] if timeout is None else timeout
        self.cwd = cwd
        self.env = env
        self.extra_path = list(extra_path)
        self.warm = list(warm)
        self.memory_limit = memory_limit
        self.interrupt_grace = interrupt_grace
        self._child: _Child | None = None
        self._ids = itertools.count(1)
        self._lock: asyncio.Lock | None = None
        self._warming: set[asyncio.Task[Any]] = set()
        self._closed = False

    # ---- life cycle -------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.process.pid if child and child.process.returncode is None else None

    async def start(self) -> None:
        self._closed = False
        if self._child is None or self._child.death is not None:
            await self._spawn()

    async def restart(self) -> None:
        await self._kill()
        await self._spawn()

    async def close(self) -> None:
        self._closed = True
        for task in list(self._warming):
            task.cancel()
        child, self._child = self._child, None
        if child is None:
            return
        stdin = child.process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()  # the child's serve loop ends at EOF
        try:
            await asyncio.wait_for(child.process.wait(), 1.0)
        except TimeoutError:
            self._signal(child, signal.SIGKILL, group=True)
            await child.process.wait()
        await self._finish(child)

    def interrupt(self) -> None:
        """Send SIGINT: the kernel's running code gets KeyboardInterrupt."""
        if self._child is not None:
            self._signal(self._child, signal.SIGINT, group=False)

    def _command(self) -> list[str]:
        command = [sys.executable, "-m", f"explorer.proc.{self.role}"]
        if self.role == "kernel" and self.memory_limit is not None:
            command += ["--memory-limit", str(self.memory_limit)]
        return command

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ if self.env is None else self.env)
        if self.extra_path:
            paths = [*self.extra_path, env.get("PYTHONPATH", "")]
            env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        env.pop("PYTHONSTARTUP", None)
        return env

    async def _spawn(self) -> None:
        process = await asyncio.create_subprocess_exec(
            *self._command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.cwd,
            env=self._environment(),
            limit=LINE_LIMIT,
            # Its own session: the terminal's Ctrl+C never reaches it, and a kill
            # takes any processes the user's code started along with it.
            start_new_session=True,
        )
        child = _Child(process)
        child.reader = asyncio.create_task(self._read_replies(child))
        child.stderr_reader = asyncio.create_task(self._read_stderr(child))
        self._child = child
        for module in self.warm:
            task = asyncio.create_task(self._warm(module))
            self._warming.add(task)
            task.add_done_callback(self._warming.discard)

    async def _warm(self, module: str) -> None:
        with contextlib.suppress(ProcError):
            await self.request("warm", module=module, timeout=max(self.timeout, 120.0))

    async def _kill(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        self._signal(child, signal.SIGKILL, group=True)
        await child.process.wait()
        await self._finish(child)

    async def _finish(self, child: _Child) -> None:
        for task in (child.reader, child.stderr_reader):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, 1.0)
        self._fail_pending(child, child.death or WorkerDied(f"{self.role} stopped"))

    @staticmethod
    def _signal(child: _Child, signum: int, *, group: bool) -> None:
        if child.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if group:
                os.killpg(child.process.pid, signum)
            else:
                child.process.send_signal(signum)

    # ---- reading ----------------------------------------------------------------------

    async def _read_replies(self, child: _Child) -> None:
        stream = child.process.stdout
        assert stream is not None
        try:
            while line := await stream.readline():
                self._dispatch(child, line)
        except (ValueError, asyncio.LimitOverrunError, ConnectionError):
            # An unreadable reply: the stream is out of step for good, so end the child.
            self._signal(child, signal.SIGKILL, group=True)
        returncode = await child.process.wait()
        if child.stderr_reader is not None:
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(child.stderr_reader), 0.5)
        child.death = WorkerDied(
            describe_exit(self.role, returncode), returncode, "".join(child.stderr_tail)
        )
        self._fail_pending(child, child.death)

    async def _read_stderr(self, child: _Child) -> None:
        stream = child.process.stderr
        assert stream is not None
        with contextlib.suppress(ValueError, asyncio.LimitOverrunError, ConnectionError):
            while line := await stream.readline():
                child.stderr_tail.append(line.decode(errors="replace")[:2000])

    def _dispatch(self, child: _Child, line: bytes) -> None:
        try:
            message = decode(line)
        except ValueError:
            return  # not ours; the protocol fds are private, so this is noise
        entry = child.pending.get(message["id"])
        if entry is None:
            return  # the answer to a request that was cancelled or timed out
        future, on_event = entry
        if "event" in message:
            if on_event is not None:
                with contextlib.suppress(Exception):
                    on_event(message)
        elif not future.done():
            if "error" in message:
                error = message["error"] or {}
                future.set_exception(WorkerError(
                    str(error.get("type", "Error")), str(error.get("message", "")),
                    str(error.get("traceback", "")),
                ))
            else:
                future.set_result(message.get("result"))

    @staticmethod
    def _fail_pending(child: _Child, error: BaseException) -> None:
        for future, _ in child.pending.values():
            if not future.done():
                future.set_exception(error)
                future.exception()  # retrieved: no "never retrieved" noise if abandoned

    # ---- requests ---------------------------------------------------------------------

    async def request(
        self,
        op: str,
        *,
        timeout: float | None = _UNSET,
        on_event: EventHandler | None = None,
        **args: Any,
    ) -> Any:
        """Send one request and wait for its reply (events go to `on_event`)."""
        if self._closed:
            raise ProcError(f"the {self.role} client is closed")
        limit = self.timeout if timeout is _UNSET else timeout
        if self._lock is None:
            self._lock = asyncio.Lock()
        # One request in flight: each timeout measures only its own work.
        async with self._lock:
            await self.start()
            child = self._child
            assert child is not None
            request_id = next(self._ids)
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            child.pending[request_id] = (future, on_event)
            try:
                return await self._exchange(child, request_id, future, op, args, limit)
            finally:
                child.pending.pop(request_id, None)

    async def _exchange(
        self, child: _Child, request_id: int, future: asyncio.Future[Any],
        op: str, args: dict[str, Any], limit: float | None,
    ) -> Any:
        try:
            stdin = child.process.stdin
            assert stdin is not None
            stdin.write(encode(request(request_id, op, **args)))
            await stdin.drain()
        except (ConnectionError, RuntimeError):
            pass  # the reader reports the death through the future
        try:
            return await asyncio.wait_for(asyncio.shield(future), limit)
        except TimeoutError:
            return await self._overran(child, future, op, args, limit)
        except WorkerDied:
            await self._replace(child)
            raise
        except asyncio.CancelledError:
            if self.role == "kernel" and not future.done():
                self.interrupt()  # cancelling a run stops it, so the kernel is free again
            raise

    async def _replace(self, child: _Child) -> None:
        """Start a fresh child after `child` died, unless that already happened."""
        if self._child is child and not self._closed:
            await self._finish(child)
            await self._spawn()

    async def _overran(
        self, child: _Child, future: asyncio.Future[Any], op: str,
        args: dict[str, Any], limit: float | None,
    ) -> Any:
        what = f"{op} {args['target']}" if "target" in args else op
        if self.role == "kernel":
            self.interrupt()
            try:
                result = await asyncio.wait_for(asyncio.shield(future), self.interrupt_grace)
            except TimeoutError:
                pass
            except WorkerError as error:
                raise WorkerTimeout(f"{what} timed out after {limit:g} s (interrupted)") from error
            except WorkerDied:
                await self._replace(child)
                raise
            else:
                if isinstance(result, dict) and result.get("status") == "interrupted":
                    result["status"] = "timeout"
                    result["message"] = f"timed out after {limit:g} s (interrupted)"
                return result
            message = (f"{what} timed out after {limit:g} s and ignored the interrupt"
                       f" — kernel killed and restarted")
        else:
            message = f"{what} timed out after {limit:g} s — worker restarted"
        child.death = WorkerDied(message)
        if self._child is child:
            await self._kill()
            await self._spawn()
        raise WorkerTimeout(message)

    # ---- kernel conveniences ----------------------------------------------------------

    async def run(
        self,
        code: str,
        *,
        timeout: float | None = _UNSET,
        seed_module: str | None = None,
        fresh: bool = False,
        imports: Sequence[str] | None = None,
        on_event: EventHandler | None = None,
    ) -> dict[str, Any]:
        """Run code in the kernel; always a result dict, even when the kernel died.

        status: ok | error | timeout | interrupted | memory | crashed. The namespace
        persists between runs; `fresh` (or the first run) seeds a new one with the
        globals of `seed_module` plus `imports` (default: torch).
        """
        limit = self.timeout if timeout is _UNSET else timeout
        try:
            return await self.request(
                "run", code=code, seed_module=seed_module, fresh=fresh,
                imports=None if imports is None else list(imports),
                timeout=limit, on_event=on_event,
            )
        except WorkerTimeout as exc:
            return {"status": "timeout", "message": str(exc), "value_repr": None}
        except WorkerDied as exc:
            return {"status": "crashed", "message": str(exc), "value_repr": None}

    async def __aenter__(self) -> WorkerClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class SyncClient:
    """A blocking WorkerClient for the CLI: its own event loop, driven per call.

    Ctrl+C while a call waits cancels it (a kernel run is interrupted) and
    raises KeyboardInterrupt in the caller, as asyncio.Runner does.
    """

    def __init__(self, role: str = "worker", **options: Any) -> None:
        self._runner = asyncio.Runner()
        self.client = WorkerClient(role, **options)

    def start(self) -> None:
        self._runner.run(self.client.start())

    def request(self, op: str, *, timeout: float | None = _UNSET,
                on_event: EventHandler | None = None, **args: Any) -> Any:
        return self._runner.run(self.client.request(op, timeout=timeout, on_event=on_event, **args))

    def run(self, code: str, **options: Any) -> dict[str, Any]:
        return self._runner.run(self.client.run(code, **options))

    def restart(self) -> None:
        self._runner.run(self.client.restart())

    def interrupt(self) -> None:
        self.client.interrupt()

    def close(self) -> None:
        try:
            self._runner.run(self.client.close())
        finally:
            self._runner.close()

    def __enter__(self) -> SyncClient:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
