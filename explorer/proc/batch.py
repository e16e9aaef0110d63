"""Run every docstring example under a target in kernels, one verdict per example.

The target is never imported here. A kernel collects the example blocks (the
`collect_examples` op, explorer.proc.collect): it imports the target and its
submodules, each under a time limit, and answers with the blocks. Then a
small pool of kernels runs them (explorer.proc.pool).

A submodule that kills the kernel on import (a segfault, os._exit) or hangs
where no signal reaches it cannot be skipped from inside: the kernel says
which module it is importing before each import, so here the kernel is
restarted and asked again with that module left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer import settings
from explorer.core.check import package_options
from explorer.core.conventions import conventions
from explorer.core.errors import UsageError
from explorer.core.model import ImportFailure
from explorer.core.resolve import validate
from explorer.proc import launch
from explorer.proc.client import ProcError, WorkerClient, WorkerDied, WorkerError
from explorer.proc.messages import Collected, CollectRequest, Event, Importing, Walking
from explorer.proc.pool import BlockResult, Pool, ResultCallback, Seeding

DEFAULT_KERNELS = 2
GRACE = settings.INTERRUPT_GRACE  # past an import's own limit before the kernel is killed
SUMMARY_KEYS = ("passed", "differs", "random", "error", "skipped", "timeout", "crashed")

__all__ = ["BatchReport", "BlockResult", "Collected", "ImportLimits", "collect", "run_examples"]


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Time limits on collecting: importing the target, then each submodule.

    `hint` ends the message of an import that overran (how to change the limit).
    """

    target: float = settings.COLD_IMPORT_ALLOWANCE
    submodule: float = settings.SUBMODULE_IMPORT_TIMEOUT
    walk: float = settings.COLD_IMPORT_ALLOWANCE  # reading every docstring once imported
    hint: str = ""


@dataclass(slots=True)
class BatchReport:
    target: str
    results: list[BlockResult]
    seconds: float
    kernels: int
    collection: Collected = field(default_factory=lambda: Collected(()))
    setup: str | None = None  # the user's --setup code, replacing the conventions

    @property
    def conventions(self) -> tuple[tuple[str, str], ...]:
        return () if self.setup is not None else conventions(self.target)

    def counts(self) -> dict[str, int]:
        """Blocks per verdict; `random` counts the `differs` whose output is random."""
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for result in self.results:
            counts[result.verdict.verdict] += 1
            counts["random"] += result.verdict.random
        return counts

    def to_dict(self) -> dict[str, Any]:
        collection = self.collection
        total = len(self.results)
        return {
            "target": self.target,
            "namespace": {
                "conventions": [list(pair) for pair in self.conventions],
                "setup": self.setup,
                "options": list(package_options(self.target)),
            },
            "examples": [r.to_dict() for r in self.results],
            "summary": {"collected": total, **self.counts(), "total": total},
            "seconds": round(self.seconds, 3),
            "kernels": self.kernels,
            "imported": list(collection.imported),
            "import_failures": [failure.to_dict() for failure in collection.import_failures],
            "unsearched": list(collection.unsearched),
        }


async def run_examples(
    target: str,
    *,
    timeout: float = settings.RUN_EXAMPLES_TIMEOUT,
    limits: ImportLimits | None = None,
    setup: str | None = None,
    submodules: bool = True,
    kernels: int = DEFAULT_KERNELS,
    on_result: ResultCallback | None = None,
    on_collected: Callable[[Collected], None] | None = None,
    first: WorkerClient | None = None,
) -> BatchReport:
    """Collect and run every example block of `target`; results in collection order.

    `setup` replaces the package's conventions; `submodules=False` searches only
    what importing the target loads. `first` is a kernel the caller already
    started (so it boots while the caller imports); it is closed here too.
    """
    validate(target)
    started = time.perf_counter()
    clients = [first or WorkerClient("kernel", timeout=timeout)]
    clients += [WorkerClient("kernel", timeout=timeout) for _ in range(max(1, kernels) - 1)]
    try:
        found = await collect(clients[0], target, submodules=submodules, limits=limits)
        if on_collected is not None:
            on_collected(found)
        seeding = Seeding(setup)
        results = await Pool(clients, list(found.blocks), timeout, seeding, on_result).run()
    finally:
        await asyncio.gather(*(_discard(client) for client in clients))
    seconds = time.perf_counter() - started
    return BatchReport(target, results, seconds, len(clients), found, setup)


async def _discard(client: WorkerClient) -> None:
    """Stop a kernel at once: it holds nothing worth torch's half-second teardown."""
    with contextlib.suppress(Exception):
        await client.close(grace=0)


def _kill(client: WorkerClient) -> None:
    """End a kernel stuck where no signal reaches it; its request fails with WorkerDied."""
    pid = client.pid
    if pid is not None:
        launch.kill_tree(pid)


async def collect(
    kernel: WorkerClient,
    target: str,
    *,
    submodules: bool = True,
    limits: ImportLimits | None = None,
) -> Collected:
    """The example blocks of `target`, found by a kernel (which imports it, not us)."""
    limits = limits or ImportLimits()
    fatal: list[ImportFailure] = []  # submodules that killed or hung the kernel
    while True:
        watch = _Watch(limits)
        request = CollectRequest(
            target, submodules, tuple(failure.module for failure in fatal),
            limits.target, limits.submodule, limits.hint,
        )  # fmt: skip
        try:
            reply = await watch.ask(kernel, request)
        except WorkerDied as died:
            if watch.importing is None:
                raise UsageError(f"{watch.stage(target)} {watch.why(died)}") from None
            fatal.append(ImportFailure(watch.importing, watch.why(died)))
            continue  # the client has started a fresh kernel: ask again without it
        except WorkerError as error:
            raise UsageError(_collect_failure(target, error)) from None
        failures = (*fatal, *reply.import_failures)
        failed = {failure.module for failure in failures}
        unsearched = tuple(name for name in reply.unsearched if name not in failed)
        return Collected(reply.blocks, unsearched, reply.imported, failures)


class _Watch:
    """One collect_examples request, with a deadline that moves with its progress:
    each import gets its own limit (plus grace) from the moment it starts."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.importing: str | None = None  # the submodule being imported, if any
        self.walking = False
        self.hung_after: float | None = None  # the limit it overran, when it was killed
        self._limit = limits.target
        self._deadline = 0.0

    async def ask(self, kernel: WorkerClient, request: CollectRequest) -> Collected:
        loop = asyncio.get_running_loop()
        await kernel.start()
        self._deadline = loop.time() + self._limit + GRACE
        task = asyncio.ensure_future(kernel.ask(request, timeout=None, on_event=self._on_event))
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=max(0.0, self._deadline - loop.time()))
                if not task.done() and loop.time() >= self._deadline:
                    self.hung_after = self._limit
                    _kill(kernel)  # the request now fails with WorkerDied
                    break
            return await task
        finally:
            task.cancel()

    def _on_event(self, event: Event) -> None:
        if not isinstance(event, Importing | Walking):
            return
        self.walking = isinstance(event, Walking)
        self.importing = event.module if isinstance(event, Importing) else None
        self._limit = self.limits.walk if self.walking else self.limits.submodule
        self._deadline = asyncio.get_running_loop().time() + self._limit + GRACE

    def stage(self, target: str) -> str:
        return f"reading the examples of {target}" if self.walking else f"importing {target}"

    def why(self, died: WorkerDied) -> str:
        if self.hung_after is not None:
            hint = f" ({self.limits.hint})" if self.limits.hint else ""
            return f"did not finish within {self.hung_after:g} s and ignored the time limit{hint}"
        return f"killed the kernel: {str(died).removesuffix(' — restarted')}"


def _collect_failure(target: str, error: ProcError) -> str:
    if isinstance(error, WorkerError) and error.type in ("TargetError", "UsageError"):
        return error.message.splitlines()[0]
    text = str(error).strip().splitlines()
    return f"could not collect the examples of {target}: {text[-1] if text else error}"
