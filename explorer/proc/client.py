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
from collections.abc import Sequence
from typing import Any

from explorer import settings
from explorer.proc.child import Child, EventHandler, Pending
from explorer.proc.errors import ProcError, WorkerDied, WorkerError, WorkerTimeout

__all__ = [
    "EventHandler",
    "ProcError",
    "SyncClient",
    "WorkerClient",
    "WorkerDied",
    "WorkerError",
    "WorkerTimeout",
]

DEFAULT_TIMEOUTS = {"worker": settings.WORKER_TIMEOUT, "kernel": settings.KERNEL_TIMEOUT}
SEED_ALLOWANCE = 60.0  # seconds a run may spend seeding its namespace (importing torch)
INTERRUPT_GRACE = settings.INTERRUPT_GRACE
_UNSET: Any = object()


class _SeedingOverran(Exception):
    """A run's namespace took longer than SEED_ALLOWANCE to seed."""


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
        seed_timeout: float = SEED_ALLOWANCE,
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
        self.seed_timeout = seed_timeout
        self._child: Child | None = None
        self._ids = itertools.count(1)
        self._lock: asyncio.Lock | None = None
        self._warming: set[asyncio.Task[Any]] = set()
        self._closed = False

    # ---- life cycle -------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.process.pid if child is not None and child.alive else None

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
        if child is not None:
            await child.close()

    def interrupt(self) -> None:
        """Send SIGINT: the kernel's running code gets KeyboardInterrupt."""
        if self._child is not None:
            self._child.signal(signal.SIGINT, group=False)

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
        if self.role == "kernel":
            # The memory cap limits address space; glibc reserves 64 MB of it per malloc
            # arena (up to 8 per core), which on a many-core machine would eat the cap.
            env.setdefault("MALLOC_ARENA_MAX", "2")
        return env

    async def _spawn(self) -> None:
        self._child = await Child.spawn(
            self._command(), self.role, cwd=self.cwd, env=self._environment()
        )
        for module in self.warm:
            task = asyncio.create_task(self._warm(module))
            self._warming.add(task)
            task.add_done_callback(self._warming.discard)

    async def _warm(self, module: str) -> None:
        with contextlib.suppress(ProcError):
            await self.request(
                "warm", module=module, timeout=max(self.timeout, settings.COLD_IMPORT_ALLOWANCE)
            )

    async def _kill(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            await child.kill()

    async def _replace(self, child: Child) -> None:
        """Start a fresh child after `child` died, unless that already happened."""
        if self._child is child and not self._closed:
            await child.finish()
            await self._spawn()

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
            entry = Pending(asyncio.get_running_loop().create_future(), on_event)
            child.pending[request_id] = entry
            try:
                await child.send(request_id, op, args)
                return await self._reply(child, entry, op, args, limit)
            finally:
                child.pending.pop(request_id, None)

    async def _reply(
        self, child: Child, entry: Pending, op: str, args: dict[str, Any], limit: float | None
    ) -> Any:
        future = entry.future
        try:
            remaining = limit
            if op == "run" and self.role == "kernel" and limit is not None:
                remaining = await self._run_clock(entry, limit)
            return await asyncio.wait_for(asyncio.shield(future), remaining)
        except _SeedingOverran:
            return await self._overran(
                child, future, "seeding the namespace", max(limit or 0.0, self.seed_timeout)
            )
        except TimeoutError:
            what = f"{op} {args['target']}" if "target" in args else op
            return await self._overran(child, future, what, limit)
        except WorkerDied:
            await self._replace(child)
            raise
        except asyncio.CancelledError:
            if self.role == "kernel" and not future.done():
                self.interrupt()  # cancelling a run stops it, so the kernel is free again
            raise

    async def _run_clock(self, entry: Pending, limit: float) -> float:
        """Seconds left for a run whose clock starts with its code: seeding a
        fresh namespace (importing torch) gets its own, larger allowance."""
        waiter = asyncio.ensure_future(entry.started.wait())
        try:
            await asyncio.wait(
                {entry.future, waiter},
                timeout=max(limit, self.seed_timeout),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            waiter.cancel()
        if entry.future.done():
            return limit
        if not entry.started.is_set():
            raise _SeedingOverran
        return max(0.0, entry.started_at + limit - asyncio.get_running_loop().time())

    async def _overran(
        self, child: Child, future: asyncio.Future[Any], what: str, limit: float | None
    ) -> Any:
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
                    lead = "" if what == "run" else f"{what} "
                    result["message"] = f"{lead}timed out after {limit:g} s (interrupted)"
                return result
            message = (
                f"{what} timed out after {limit:g} s and ignored the interrupt"
                f" — kernel killed and restarted"
            )
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
        setup: str = "",
        on_event: EventHandler | None = None,
    ) -> dict[str, Any]:
        """Run code in the kernel; always a result dict, even when the kernel died.

        status: ok | error | timeout | interrupted | memory | crashed. The namespace
        persists between runs; `fresh` (or the first run) seeds a new one with the
        globals of `seed_module` plus `imports` (default: the example conventions of
        seed_module's package; torch without one), then runs `setup` code in it.
        """
        limit = self.timeout if timeout is _UNSET else timeout
        try:
            reply: dict[str, Any] = await self.request(
                "run",
                code=code,
                seed_module=seed_module,
                fresh=fresh,
                imports=None if imports is None else list(imports),
                setup=setup,
                timeout=limit,
                on_event=on_event,
            )
        except WorkerTimeout as exc:
            return {"status": "timeout", "message": str(exc), "value_repr": None}
        except WorkerDied as exc:
            return {"status": "crashed", "message": str(exc), "value_repr": None}
        return reply

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

    def request(
        self,
        op: str,
        *,
        timeout: float | None = _UNSET,
        on_event: EventHandler | None = None,
        **args: Any,
    ) -> Any:
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
