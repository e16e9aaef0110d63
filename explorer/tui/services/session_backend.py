"""Explore the kernel's live variables: the Backend ops, answered by the kernel in session scope.

The runner's kernel holds the user's objects; the kernel resolves a target
such as `x.grad` from its namespace (never by eval) and answers list/doc/
help/source like the worker does. The runner owns that kernel, so this
backend never closes or restarts it.
"""

from __future__ import annotations

from typing import Any

from explorer.tui.services.backend import Backend, Client
from explorer.tui.services.kernel_session import KernelSession


class SessionBackend(Backend):
    def __init__(self, session: KernelSession, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.session = session

    async def client(self) -> Client:
        return await self.session.client()  # type: ignore[return-value]

    async def call(self, op: str, *, timeout: float | None = None, **args: Any) -> Any:
        return await super().call(op, timeout=timeout, scope="session", **args)

    async def restart(self) -> None:
        """The kernel restarts itself after a crash; the runner owns its lifetime."""

    async def close(self) -> None:
        """Closed with the runner's session, not here."""
