"""Explore the kernel's live variables: the Backend ops, answered by the kernel in session scope.

The runner's kernel holds the user's objects; the kernel resolves a target
such as `x.grad` from its namespace (never by eval) and answers list/doc/
help/source like the worker does. The runner owns that kernel, so this
backend never closes or restarts it.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TypeVar

from explorer.proc.messages import Request, Scope
from explorer.tui.services.backend import Backend, Client
from explorer.tui.services.kernel_session import KernelSession

R = TypeVar("R")


class SessionBackend(Backend):
    def __init__(self, session: KernelSession, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.session = session

    async def client(self) -> Client:
        return await self.session.client()

    def scoped(self, request: Request[R]) -> Request[R]:
        if any(field.name == "scope" for field in fields(request)):  # type: ignore[arg-type]
            return replace(request, scope=Scope.SESSION)  # type: ignore[type-var]
        return request

    async def restart(self) -> None:
        """The kernel restarts itself after a crash; the runner owns its lifetime."""

    async def close(self, grace: float = 1.0) -> None:
        """Closed with the runner's session, not here."""
