"""Start worker/kernel subprocesses and talk to them without ever blocking the caller.

`WorkerClient.ask(request)` sends one typed request (explorer.proc.messages) and
returns its typed reply; `run(RunRequest(...))` returns a RunResult whatever
happens. One reader task per process dispatches events and replies by request id,
so a cancelled request never desynchronises the stream. Every request has a
timeout: a worker that overruns is killed and restarted; a kernel first gets
SIGINT (KeyboardInterrupt) and is killed only if it ignores it. A child that dies
is reported as WorkerDied and replaced for the next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from explorer import settings
from explorer.core.model import Plot, RunResult, RunStatus
from explorer.proc import launch
from explorer.proc.child import Child, EventHandler, Pending
from explorer.proc.errors import ProcError, WorkerDied, WorkerError, WorkerTimeout
from explorer.proc.messages import (
    Event,
    Output,
    PlotEvent,
    Request,
    RunReply,
    RunRequest,
    WarmRequest,
)

__all__ = ["EventHandler", "ProcError", "Role", "WorkerClient", "WorkerDied", "WorkerError",
           "WorkerTimeout"]  # fmt: skip

R = TypeVar("R")
_UNSET: Any = object()


class Role(StrEnum):
    WORKER = "worker"  # looks at targets: list, doc, help, source
    KERNEL = "kernel"  # runs code the user asked to run


@dataclass(frozen=True, slots=True)
class Policy:
    """What a role's client does differently, said once."""

    module: str  # the child's main module
    timeout: float  # default per request
    interrupts: bool  # an overrun gets SIGINT first (and a cancelled request too)
    clocks_from_start: bool  # a run's clock starts once its namespace is seeded


POLICIES = {
    Role.WORKER: Policy("explorer.proc.worker", settings.WORKER_TIMEOUT, False, False),
    Role.KERNEL: Policy("explorer.proc.kernel", settings.KERNEL_TIMEOUT, True, True),
}


class _SeedingOverran(Exception):
    """A run's namespace took longer than the seeding allowance to seed."""


class WorkerClient:
    """Talks to a `worker` or `kernel` child over the JSON-lines protocol."""

    def __init__(
        self,
        role: Role | str = Role.WORKER,
        *,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        extra_path: Sequence[str] = (),
        warm: Sequence[str] = (),
        memory_limit: int | None = None,
        interrupt_grace: float = settings.INTERRUPT_GRACE,
        seed_timeout: float = settings.COLD_IMPORT_ALLOWANCE,
        respawn: bool = True,
    ) -> None:
        try:
            self.role = Role(role)
        except ValueError:
            raise ValueError(f"role must be 'worker' or 'kernel', not {role!r}") from None
        self.policy = POLICIES[self.role]
        self.timeout = self.policy.timeout if timeout is None else timeout
        self.env = env
        self.extra_path = list(extra_path)
        self.warm = list(warm)
        self.memory_limit = launch.memory_limit() if memory_limit is None else memory_limit
        self.interrupt_grace = interrupt_grace
        self.seed_timeout = seed_timeout
        self.respawn = respawn  # start a fresh child after one died (a one-shot CLI: no)
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

    async def close(self, grace: float = 1.0) -> None:
        """End the child (and anything it started); `grace=0` kills at once (quitting)."""
        self._closed = True
        for task in list(self._warming):
            task.cancel()
        child, self._child = self._child, None
        if child is not None:
            await child.close(grace)

    def interrupt(self) -> None:
        """Send SIGINT: the kernel's running code gets KeyboardInterrupt."""
        if self._child is not None:
            self._child.interrupt()

    async def _spawn(self) -> None:
        command = launch.child_command(self.policy.module, "--memory-limit",
                                       str(self.memory_limit))  # fmt: skip
        env = launch.child_env(self.env, self.extra_path)
        self._child = await Child.spawn(command, self.role, env=env)
        for module in self.warm:
            task = asyncio.create_task(self._warm(module))
            self._warming.add(task)
            task.add_done_callback(self._warming.discard)

    async def _warm(self, module: str) -> None:
        with contextlib.suppress(ProcError):
            limit = max(self.timeout, settings.COLD_IMPORT_ALLOWANCE)
            await self.ask(WarmRequest(module), timeout=limit)

    async def _kill(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            await child.kill()

    async def _replace(self, child: Child) -> None:
        """Start a fresh child after `child` died, unless that already happened."""
        if self._child is child and not self._closed:
            await child.finish()
            if self.respawn:
                await self._spawn()
            else:
                self._child = None

    # ---- requests ---------------------------------------------------------------------

    async def ask(
        self,
        request: Request[R],
        *,
        timeout: float | None = _UNSET,
        on_event: EventHandler | None = None,
    ) -> R:
        """Send one request and wait for its typed reply (events go to `on_event`)."""
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
                await child.send(request_id, request)
                return await self._reply(child, entry, request, limit)
            finally:
                child.pending.pop(request_id, None)

    async def _reply(
        self, child: Child, entry: Pending, request: Request[R], limit: float | None
    ) -> R:
        future = entry.future
        try:
            await self._started(child, future)
            remaining = limit
            if self.policy.clocks_from_start and isinstance(request, RunRequest) and limit:
                remaining = await self._run_clock(entry, limit)
            return request.read_reply(await asyncio.wait_for(asyncio.shield(future), remaining))
        except _SeedingOverran:
            allowance = max(limit or 0.0, self.seed_timeout)
            return await self._overran(child, request, future, "seeding the namespace", allowance)
        except TimeoutError:
            target = getattr(request, "target", None)
            what = f"{request.op} {target}" if target else str(request.op)
            return await self._overran(child, request, future, what, limit)
        except WorkerDied:
            await self._replace(child)
            raise
        except asyncio.CancelledError:
            if self.policy.interrupts and not future.done():
                self.interrupt()  # cancelling a run stops it, so the kernel is free again
            raise

    async def _started(self, child: Child, future: asyncio.Future[Any]) -> None:
        """Wait until a fresh child says it has started (or the reply, or its death, comes
        first): a request's clock measures the request, not a start-up that a loaded
        machine stretches to seconds. A child silent for START_ALLOWANCE gets the clock
        anyway."""
        if not child.ready.is_set():
            await _event_or_reply(child.ready, future, settings.START_ALLOWANCE)

    async def _run_clock(self, entry: Pending, limit: float) -> float:
        """Seconds left for a run whose clock starts with its code: seeding a
        fresh namespace (importing torch) gets its own, larger allowance."""
        await _event_or_reply(entry.started, entry.future, max(limit, self.seed_timeout))
        if entry.future.done():
            return limit
        if not entry.started.is_set():
            raise _SeedingOverran
        return max(0.0, entry.started_at + limit - asyncio.get_running_loop().time())

    async def _overran(
        self,
        child: Child,
        request: Request[R],
        future: asyncio.Future[Any],
        what: str,
        limit: float | None,
    ) -> R:
        if self.policy.interrupts:
            self.interrupt()
            try:
                raw = await asyncio.wait_for(asyncio.shield(future), self.interrupt_grace)
            except TimeoutError:
                pass
            except WorkerError as error:
                raise WorkerTimeout(f"{what} timed out after {limit:g} s (interrupted)") from error
            except WorkerDied:
                await self._replace(child)
                raise
            else:
                return _as_timeout(request.read_reply(raw), what, limit)
            message = (
                f"{what} timed out after {limit:g} s and ignored the interrupt"
                f" — {self.role} killed and restarted"
            )
        else:
            message = f"{what} timed out after {limit:g} s — {self.role} restarted"
        child.death = WorkerDied(message)
        if self._child is child:
            await self._kill()
            if self.respawn:
                await self._spawn()
        raise WorkerTimeout(message)

    # ---- kernel runs ------------------------------------------------------------------

    async def run(
        self,
        request: RunRequest,
        *,
        timeout: float | None = _UNSET,
        on_event: EventHandler | None = None,
    ) -> RunResult:
        """Run code in the kernel; always a RunResult, even when the kernel died or the
        run overran (its status says so). Output events also go to `on_event` live."""
        transcript = Transcript(on_event)
        try:
            reply = await self.ask(request, timeout=timeout, on_event=transcript)
        except WorkerTimeout as exc:
            reply = RunReply(RunStatus.TIMEOUT, message=str(exc))
        except WorkerDied as exc:
            reply = RunReply(RunStatus.CRASHED, message=str(exc))
        return transcript.result(reply)

    async def __aenter__(self) -> WorkerClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def _event_or_reply(event: asyncio.Event, reply: asyncio.Future[Any], timeout: float) -> None:
    """Wait until `event` is set, `reply` is done (an answer, an error, the child's death)
    or `timeout` seconds pass, whichever comes first."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({reply, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


def _as_timeout(reply: R, what: str, limit: float | None) -> R:
    """An interrupt we sent because the time was up is a timeout, not the user's Ctrl+C."""
    if isinstance(reply, RunReply) and reply.status == RunStatus.INTERRUPTED:
        lead = "" if what == "run" else f"{what} "
        message = f"{lead}timed out after {limit:g} s (interrupted)"
        return replace(reply, status=RunStatus.TIMEOUT, message=message)
    return reply


class Transcript:
    """Collects a run's streamed events (and forwards each one as it comes)."""

    def __init__(self, forward: EventHandler | None = None) -> None:
        self.forward = forward
        self.output: list[str] = []
        self.stdout: list[str] = []
        self.plots: list[Plot] = []
        self.notes: list[str] = []

    def __call__(self, event: Event) -> None:
        if isinstance(event, Output):
            self.output.append(event.text)
            if event.stream == "stdout":
                self.stdout.append(event.text)
            if event.truncated:
                self.notes.append(event.text.strip())
        elif isinstance(event, PlotEvent):
            self.plots.append(event.plot)
        if self.forward is not None:
            self.forward(event)

    def result(self, reply: RunReply) -> RunResult:
        return RunResult(
            status=reply.status, output="".join(self.output), stdout="".join(self.stdout),
            value_repr=reply.value_repr, exception=reply.exception,
            exception_type=reply.exception_type, traceback=reply.traceback,
            message=reply.message, duration=reply.duration, truncated=reply.truncated,
            plots=tuple(self.plots), notes=tuple(self.notes),
        )  # fmt: skip
