"""The app's handle on one kernel subprocess: started lazily, shared, never in the UI process.

The runner screen and the docstring-example widgets run code through a
`KernelSession`. It owns a `WorkerClient(role="kernel")`, turns every run into
a `RunResult` (a crash or timeout is a status with a clear message, never an
exception), and forwards the kernel's streamed events to a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol, TypeVar

from explorer import settings
from explorer.core.model import GradGraph, RunResult, RunStatus, Variable
from explorer.proc.messages import (
    Event,
    GradGraphRequest,
    Request,
    ResetRequest,
    RunRequest,
    VariablesRequest,
)
from explorer.tui.services.lazy_client import LazyClient, run_quietly

TIMEOUT_HINT = "the limit comes from `explore --timeout`; without it a run goes on until Ctrl+C"
R = TypeVar("R")

EventCallback = Callable[[Event], None]


class KernelClient(Protocol):
    """What a session needs from explorer.proc.client.WorkerClient."""

    timeout: float

    async def start(self) -> None: ...
    async def ask(self, request: Request[R], *, timeout: float | None = None) -> R: ...
    async def run(
        self,
        request: RunRequest,
        *,
        timeout: float | None = None,
        on_event: EventCallback | None = None,
    ) -> RunResult: ...
    async def restart(self) -> None: ...
    def interrupt(self) -> None: ...
    async def close(self, grace: float = 1.0) -> None: ...


ClientFactory = Callable[[float | None], KernelClient]


def kernel_client_factory(timeout: float | None) -> KernelClient:
    """The runner's kernel: its lessons use torch, so it starts importing torch at once."""
    from explorer.proc.client import WorkerClient

    return WorkerClient(role="kernel", timeout=timeout, warm=settings.WARM_PACKAGES)


def example_kernel_factory(timeout: float | None) -> KernelClient:
    """The Doc tab's kernel warms nothing: each example run seeds its namespace with what
    its package's conventions need (a json example never waits for torch)."""
    from explorer.proc.client import WorkerClient

    return WorkerClient(role="kernel", timeout=timeout)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def run_summary(result: RunResult) -> str:
    """One line: what happened, for a status badge or a history entry."""
    took = f" in {format_duration(result.duration)}" if result.duration is not None else ""
    if result.status == RunStatus.OK:
        return f"ok{took}"
    if result.status == RunStatus.ERROR:
        first = result.exception.strip().splitlines()
        return f"error{took}: {first[-1] if first else 'exception'}"
    return result.message or result.status


class KernelSession:
    """One lazily started kernel, shared by whoever runs code in the app.

    `timeout` limits each run (None: no limit, the user interrupts); the kernel's
    other requests keep the client's own default.
    """

    def __init__(
        self, *, timeout: float | None = None, client_factory: ClientFactory | None = None
    ) -> None:
        self.timeout = timeout
        factory = client_factory or kernel_client_factory
        self._lazy: LazyClient[KernelClient] = LazyClient(lambda: factory(None))
        self.running = 0  # runs in flight (a second run waits for the first)

    async def client(self) -> KernelClient:
        return await self._lazy.get()

    async def run(
        self,
        code: str,
        *,
        on_event: EventCallback | None = None,
        seed_module: str | None = None,
        fresh: bool = False,
        timeout: float | None = None,
    ) -> RunResult:
        """Run `code`; every outcome (timeout, crash, MemoryError) is a status."""
        self.running += 1
        try:
            client = await self.client()
            request = RunRequest(code, seed_module=seed_module, fresh=fresh)
            limit = self.timeout if timeout is None else timeout
            result = await client.run(request, timeout=limit, on_event=on_event)
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is a status too
            return RunResult(RunStatus.CRASHED, message=f"kernel unavailable: {exc}")
        finally:
            self.running -= 1
        if result.status == RunStatus.TIMEOUT:
            return replace(result, message=f"{result.message or 'timed out'} ({TIMEOUT_HINT})")
        return result

    def interrupt(self) -> None:
        """KeyboardInterrupt in the running code (SIGINT to the kernel)."""
        if (client := self._lazy.current) is not None:
            client.interrupt()

    async def reset(self, seed_module: str | None = None) -> None:
        """A fresh namespace (the process, and its imported torch, stay)."""
        client = await self.client()
        await client.ask(ResetRequest(seed_module))

    async def variables(self) -> tuple[Variable, ...]:
        client = await self.client()
        return (await client.ask(VariablesRequest())).items

    async def grad_graph(self, name: str) -> GradGraph:
        client = await self.client()
        return await client.ask(GradGraphRequest(name))

    async def close(self, grace: float = 1.0) -> None:
        client = self._lazy.forget()
        if client is not None:
            await run_quietly(lambda: client.close(grace))
