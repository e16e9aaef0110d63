"""One request to a fresh worker child, for the one-shot CLI views, with one-line failures.

Every way the child can fail while importing or inspecting a target (a hang past
the time limit, an exit, a signal, an error reply) becomes a UsageError whose
message says what happened and what to do; the child and anything it started are
killed on every path (explorer.proc.launch).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable
from typing import TypeVar

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.render.safe import printable
from explorer.proc.client import WorkerClient
from explorer.proc.errors import WorkerDied, WorkerError, WorkerTimeout, signal_name
from explorer.proc.messages import OutputRequest, Request

R = TypeVar("R")
_NO_MODULE = re.compile(r"no module named '(?P<name>[\w]+)'")


def ask_worker(
    request: Request[R], *, timeout: float | None, meanwhile: Callable[[], object] | None = None
) -> R:
    """The child's typed reply; `meanwhile` runs here while the child imports the target
    (what this process needs only for the answer, such as the reST renderer)."""
    limit = settings.COLD_IMPORT_ALLOWANCE if timeout is None else timeout
    return asyncio.run(_ask(request, limit, meanwhile))


async def _ask(request: Request[R], timeout: float, meanwhile: Callable[[], object] | None) -> R:
    client = WorkerClient("worker", timeout=timeout, respawn=False)
    what = _describe(request)
    try:
        answer = asyncio.ensure_future(client.ask(request))
        if meanwhile is not None:
            await asyncio.sleep(0.01)  # the request is on its way before we get busy
            meanwhile()
        reply = await answer
        await _relay_module_output(client)
        return reply
    except WorkerTimeout:
        raise UsageError(
            f"{what} took longer than {timeout:g} s, so the worker was stopped "
            "(allow more with --timeout S)"
        ) from None
    except WorkerDied as exc:
        raise UsageError(f"{what}: {_death(exc)}") from None
    except WorkerError as exc:
        raise UsageError(_with_hint(str(exc) if exc.type == "UsageError" else
                                    f"{what} raised {exc}")) from None  # fmt: skip
    finally:
        await client.close(grace=0)


async def _relay_module_output(client: WorkerClient) -> None:
    """What the target printed while importing goes to stderr (as running Python would
    show it), made printable; stdout stays the one document this process writes."""
    printed = (await client.ask(OutputRequest(clear=True), timeout=5.0)).text
    if printed:
        sys.stderr.write(printable(printed if printed.endswith("\n") else printed + "\n"))
        sys.stderr.flush()


def _describe(request: Request[R]) -> str:
    target = getattr(request, "target", "")
    return f"looking at {target}" if target else str(request.op)


def _death(exc: WorkerDied) -> str:
    code = exc.returncode
    if code is not None and code < 0:
        return f"the worker process died of {signal_name(-code)} while importing it"
    return (
        f"the worker process exited with code {code} while importing it "
        "(the module calls os._exit or ends the process)"
    )


def _with_hint(message: str) -> str:
    """A module that is only in the current directory: say why it was not found."""
    match = _NO_MODULE.search(message)
    if match and (os.path.exists(f"{match['name']}.py") or os.path.isdir(match["name"])):
        return (
            f"{message} (the current directory is not searched, so a file there cannot "
            "shadow a real module; run with PYTHONPATH=. to include it)"
        )
    return message
