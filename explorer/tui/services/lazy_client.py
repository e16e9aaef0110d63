"""A subprocess client started on first use and shared by whoever asks meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar


class Startable(Protocol):
    async def start(self) -> None: ...


ClientT = TypeVar("ClientT", bound=Startable)


class LazyClient(Generic[ClientT]):
    """One start for concurrent callers; a start that fails is tried again on the next call."""

    def __init__(self, make: Callable[[], ClientT]) -> None:
        self._make = make
        self._client: ClientT | None = None
        self._starting: asyncio.Task[ClientT] | None = None

    @property
    def current(self) -> ClientT | None:
        return self._client

    async def get(self) -> ClientT:
        if self._client is not None:
            return self._client
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        # Shielded: a caller cancelled mid-start must not cancel the start for the others.
        return await asyncio.shield(self._starting)

    async def _start(self) -> ClientT:
        client = self._make()
        try:
            await client.start()
        except BaseException:
            self._starting = None
            raise
        self._client = client
        return client

    def forget(self) -> ClientT | None:
        """Drop the client (to close or restart it); the next `get` starts a new one."""
        client, self._client, self._starting = self._client, None, None
        return client

    def adopt(self, client: ClientT) -> None:
        """Use `client` (one that was forgotten and restarted) from now on."""
        self._client, self._starting = client, None


async def run_quietly(action: Callable[[], Awaitable[object]]) -> None:
    """Closing a dead child may fail; there is nothing left to do about it."""
    with contextlib.suppress(Exception):
        await action()
