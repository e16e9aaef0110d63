"""The UI's view of the worker subprocess: typed, restartable, and never importing targets.

Everything the screens show about a target comes through here, as records
rebuilt from the worker's JSON (explorer.core.model is pure, so importing it is
safe). A worker that dies or hangs is replaced before the error reaches the
UI, so the next request finds a live worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from explorer.core.model import Doc, Listing, Source

DEFAULT_TIMEOUT = 120.0  # seconds; a cold `import torch` on a slow disk stays under this


class Client(Protocol):
    async def start(self) -> None: ...
    async def request(self, op: str, *, timeout: float | None = None, **args: Any) -> Any: ...
    async def restart(self) -> None: ...
    async def close(self) -> None: ...


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
        self._factory = client_factory or worker_client_factory(timeout)
        self._client: Client | None = None
        self._starting: asyncio.Task[Client] | None = None
        self.timeout = timeout

    async def client(self) -> Client:
        if self._client is not None:
            return self._client
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        return await asyncio.shield(self._starting)

    async def _start(self) -> Client:
        client = self._factory()
        await client.start()
        self._client = client
        return client

    async def restart(self) -> None:
        """Replace the worker (used after a cancel: it may be stuck in an import)."""
        client, self._client, self._starting = self._client, None, None
        if client is not None:
            try:
                await client.restart()
                self._client = client
                return
            except Exception:  # noqa: BLE001 - a broken client is replaced below
                await _close_quietly(client)
        await self.client()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await _close_quietly(client)

    async def call(self, op: str, *, timeout: float | None = None, **args: Any) -> Any:
        from explorer.proc import client as proc

        client = await self.client()
        limit = timeout if timeout is not None else self.timeout
        try:
            return await client.request(op, timeout=limit, **args)
        except proc.WorkerError as exc:
            raise BackendError(_error_text(exc)) from exc
        except (proc.WorkerTimeout, proc.WorkerDied) as exc:
            # The client has already replaced the worker; say what was being asked.
            what = args.get("target") or args.get("module") or op
            text = str(exc) if what in str(exc) else f"{op} {what}: {exc}"
            raise BackendError(text, restarted=True) from exc
        except proc.ProcError as exc:  # e.g. the client was closed while quitting
            raise BackendError(str(exc)) from exc

    async def warm(self, module: str) -> None:
        await self.call("warm", module=module)

    async def listing(self, target: str, *, private: bool, dunder: bool) -> Listing:
        data = await self.call("list", target=target, private=private, dunder=dunder)
        return Listing.from_dict(data)

    async def doc(self, target: str) -> Doc:
        return Doc.from_dict(await self.call("doc", target=target))

    async def help_text(self, target: str) -> str:
        return str(await self.call("help", target=target))

    async def source(self, target: str) -> Source:
        return Source.from_dict(await self.call("source", target=target))

    async def output(self) -> str:
        return str(await self.call("output"))


def _error_text(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    kind = getattr(exc, "type", None)
    if kind in (None, "UsageError", "TargetError"):
        return str(message)
    return f"{kind}: {message}"


async def _close_quietly(client: Client) -> None:
    # Closing a dead worker may fail; there is nothing left to do about it.
    with contextlib.suppress(Exception):
        await client.close()
