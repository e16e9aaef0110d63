"""The app's handle on one kernel subprocess: started lazily, shared, never in the UI process.

The runner screen and the docstring-example widgets run code through a
`KernelSession`. It owns a `WorkerClient(role="kernel")`, turns every run into
a `RunResult` (a crash or timeout is a status with a clear message, never an
exception), and forwards the kernel's streamed events to a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from explorer import settings
from explorer.tui.services.lazy_client import LazyClient, run_quietly

TIMEOUT_HINT = "the limit comes from `explore --timeout`; without it a run goes on until Ctrl+C"
STATUSES = ("ok", "error", "timeout", "interrupted", "memory", "crashed")

EventCallback = Callable[[dict[str, Any]], None]


class KernelClient(Protocol):
    """What a session needs from explorer.proc.client.WorkerClient."""

    timeout: float

    async def start(self) -> None: ...
    async def request(
        self,
        op: str,
        *,
        timeout: float | None = None,
        on_event: EventCallback | None = None,
        **args: Any,
    ) -> Any: ...
    async def run(
        self,
        code: str,
        *,
        timeout: float | None = None,
        seed_module: str | None = None,
        fresh: bool = False,
        on_event: EventCallback | None = None,
    ) -> dict[str, Any]: ...
    def interrupt(self) -> None: ...
    async def close(self) -> None: ...


ClientFactory = Callable[[float | None], KernelClient]


def kernel_client_factory(timeout: float | None) -> KernelClient:
    from explorer.proc.client import WorkerClient

    return WorkerClient(role="kernel", timeout=timeout, warm=settings.WARM_PACKAGES)


@dataclass(slots=True)
class RunResult:
    """One finished run: the kernel's reply plus everything it printed."""

    status: str
    output: str = ""  # stdout and stderr, interleaved as they arrived
    stdout: str = ""  # stdout alone (what a docstring example's want is checked against)
    value_repr: str | None = None
    exception: str = ""
    traceback: str = ""
    duration: float | None = None
    message: str = ""
    truncated: bool = False
    plots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def reply(self) -> dict[str, Any]:
        """The kernel-reply shape explorer.core.check.RunOutput.from_reply reads."""
        return {
            "status": self.status,
            "value_repr": self.value_repr,
            "exception": self.exception,
            "traceback": self.traceback,
            "message": self.message,
        }

    def summary(self) -> str:
        """One line: what happened, for a status badge or a history entry."""
        took = f" in {format_duration(self.duration)}" if self.duration is not None else ""
        if self.status == "ok":
            return f"ok{took}"
        if self.status == "error":
            first = self.exception.strip().splitlines()
            return f"error{took}: {first[-1] if first else 'exception'}"
        return self.message or self.status


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


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
        collected = _Collector(on_event)
        self.running += 1
        try:
            client = await self.client()
            reply = await client.run(
                code,
                timeout=self.timeout if timeout is None else timeout,
                seed_module=seed_module,
                fresh=fresh,
                on_event=collected,
            )
        except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is a status too
            reply = {"status": "crashed", "message": f"kernel unavailable: {exc}"}
        finally:
            self.running -= 1
        result = collected.result(reply)
        if result.status == "timeout":
            result.message = f"{result.message or 'timed out'} ({TIMEOUT_HINT})"
        return result

    def interrupt(self) -> None:
        """KeyboardInterrupt in the running code (SIGINT to the kernel)."""
        if (client := self._lazy.current) is not None:
            client.interrupt()

    async def reset(self, seed_module: str | None = None) -> None:
        """A fresh namespace (the process, and its imported torch, stay)."""
        client = await self.client()
        await client.request("reset", seed_module=seed_module)

    async def variables(self) -> list[dict[str, Any]]:
        client = await self.client()
        return list(await client.request("variables"))

    async def grad_graph(self, name: str) -> dict[str, Any]:
        client = await self.client()
        return dict(await client.request("grad_graph", name=name))

    async def close(self) -> None:
        client = self._lazy.forget()
        if client is not None:
            await run_quietly(client.close)


class _Collector:
    """Forwards events and keeps the run's output for the result."""

    def __init__(self, forward: EventCallback | None) -> None:
        self.forward = forward
        self.output: list[str] = []
        self.stdout: list[str] = []
        self.plots: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind in ("stdout", "stderr"):
            text = str(event.get("text", ""))
            self.output.append(text)
            if kind == "stdout":
                self.stdout.append(text)
        elif kind == "plot":
            self.plots.append(event)
        if self.forward is not None:
            self.forward(event)

    def result(self, reply: dict[str, Any]) -> RunResult:
        status = str(reply.get("status") or "crashed")
        return RunResult(
            status=status if status in STATUSES else "error",
            output="".join(self.output),
            stdout="".join(self.stdout),
            value_repr=reply.get("value_repr"),
            exception=str(reply.get("exception") or ""),
            traceback=str(reply.get("traceback") or ""),
            duration=reply.get("duration"),
            message=str(reply.get("message") or ""),
            truncated=bool(reply.get("truncated")),
            plots=self.plots,
        )
