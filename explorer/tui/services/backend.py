"""The UI's view of the worker subprocess: typed, restartable, and never importing targets.

Everything the screens show about a target comes through here, as records
rebuilt from the worker's JSON (explorer.core.model is pure, so importing it is
safe). A worker that dies or hangs is replaced before the error reaches the
UI, so the next request finds a live worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from explorer import settings
from explorer.core.model import Doc, Listing, Source
from explorer.proc.messages import (
    DocRequest,
    HelpRequest,
    ListRequest,
    OutputRequest,
    Request,
    SourceRequest,
    WarmRequest,
)
from explorer.tui.services.lazy_client import LazyClient, run_quietly

DEFAULT_TIMEOUT = settings.COLD_IMPORT_ALLOWANCE
R = TypeVar("R")


class Client(Protocol):
    async def start(self) -> None: ...
    async def ask(self, request: Request[R], *, timeout: float | None = None) -> R: ...
    async def restart(self) -> None: ...
    async def close(self, grace: float = 1.0) -> None: ...


ClientFactory = Callable[[], Client]


def worker_client_factory(
    timeout: float = DEFAULT_TIMEOUT, warm: Sequence[str] = ()
) -> ClientFactory:
    """Real worker subprocesses; `warm` modules start importing as soon as one spawns."""

    def make() -> Client:
        from explorer.proc.client import WorkerClient

        return WorkerClient(role="worker", timeout=timeout, warm=warm)

    return make


class BackendError(Exception):
    """A request failed in a way the user should read (bad target, timeout, crash)."""

    def __init__(self, message: str, *, restarted: bool = False) -> None:
        super().__init__(message)
        self.restarted = restarted


class Backend:
    """Async list/doc/help/source over one worker process, restarted when it breaks."""

    def __init__(
        self, client_factory: ClientFactory | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        factory = client_factory or worker_client_factory(timeout)
        self._lazy: LazyClient[Client] = LazyClient(factory)
        self.timeout = timeout

    async def client(self) -> Client:
        return await self._lazy.get()

    async def restart(self) -> None:
        """Replace the worker (used after a cancel: it may be stuck in an import)."""
        client = self._lazy.forget()
        if client is not None:
            try:
                await client.restart()
                self._lazy.adopt(client)
                return
            except Exception:  # noqa: BLE001 - a broken client is replaced below
                await run_quietly(client.close)
        await self.client()

    async def close(self, grace: float = 1.0) -> None:
        client = self._lazy.forget()
        if client is not None:
            await run_quietly(lambda: client.close(grace))

    async def ask(self, request: Request[R], *, timeout: float | None = None) -> R:
        from explorer.proc import client as proc

        client = await self.client()
        limit = timeout if timeout is not None else self.timeout
        try:
            return await client.ask(self.scoped(request), timeout=limit)
        except proc.WorkerError as exc:
            raise BackendError(_error_text(exc)) from exc
        except (proc.WorkerTimeout, proc.WorkerDied) as exc:
            # The client has already replaced the worker; say what was being asked.
            what = getattr(request, "target", None) or getattr(request, "module", None)
            what = what or str(request.op)
            text = str(exc) if what in str(exc) else f"{request.op} {what}: {exc}"
            raise BackendError(text, restarted=True) from exc
        except proc.ProcError as exc:  # e.g. the client was closed while quitting
            raise BackendError(str(exc)) from exc

    def scoped(self, request: Request[R]) -> Request[R]:
        """Where targets start: importable modules here (the kernel's namespace in a subclass)."""
        return request

    async def warm(self, module: str) -> None:
        await self.ask(WarmRequest(module))

    async def listing(self, target: str, *, private: bool, dunder: bool) -> Listing:
        return await self.ask(ListRequest(target, private=private, dunder=dunder))

    async def doc(self, target: str) -> Doc:
        return await self.ask(DocRequest(target))

    async def help_text(self, target: str) -> str:
        return (await self.ask(HelpRequest(target))).text

    async def source(self, target: str) -> Source:
        return await self.ask(SourceRequest(target))

    async def output(self) -> str:
        return (await self.ask(OutputRequest())).text


def _error_text(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    kind = getattr(exc, "type", None)
    if kind in (None, "UsageError", "TargetError"):
        return str(message)
    return f"{kind}: {message}"
