"""Run example blocks on a small pool of kernels, one verdict per block.

Each block starts in a fresh namespace (its module's globals plus the
package's example conventions, or the user's --setup code) and runs part by
part, one "run" request each, so every want is checked against its own part.
A timeout or crash ends only that block: the client restarts the kernel and
the pool carries on. A second kernel starts only when a block is slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer import settings
from explorer.core import check
from explorer.core.check import ExampleVerdict, PartChecker
from explorer.core.model import Example, ExampleBlock, RunResult
from explorer.proc.client import ProcError, WorkerClient
from explorer.proc.messages import RunRequest, WarmRequest

WARM_TIMEOUT = settings.COLD_IMPORT_ALLOWANCE
# Seconds one block may hold a kernel before a spare kernel starts. Torch computes on every
# core, so a spare only pays for a block that waits (a hang, a sleep, a timeout): at 1 s,
# heavy CPU blocks (nn.Transformer) started one, and two kernels thrashing two cores made
# torch.nn's examples take 9-13 s instead of 9.
SPARE_AFTER = 5.0


@dataclass(frozen=True, slots=True)
class Seeding:
    """How every block's namespace is seeded beyond its module's globals: the
    package's conventions (setup None) or the user's setup code instead."""

    setup: str | None = None

    def request(self, code: str, module: str, fresh: bool) -> RunRequest:
        if self.setup is None:  # imports=None: the kernel binds the package's conventions
            return RunRequest(code, seed_module=module, fresh=fresh)
        return RunRequest(code, seed_module=module, fresh=fresh, imports=(), setup=self.setup)


@dataclass(slots=True)
class BlockResult:
    """What one example block did, ready for a line of text or JSON."""

    block: ExampleBlock
    verdict: ExampleVerdict
    seconds: float  # spent running its parts (kernel warm-up excluded)
    notes: list[str] = field(default_factory=list)  # e.g. output truncated

    @property
    def message(self) -> str:
        failure, index = self.verdict.first_failure, self.verdict.failed_part
        if failure is not None and index is not None:
            line = file_line(self.block, self.block.examples[index])
            where = f"line {line}: " if line is not None and line != self.block.lineno else ""
            return where + failure.message
        if self.verdict.verdict == check.SKIPPED:
            return check.skip_message(self.verdict)
        return ""

    def to_dict(self) -> dict[str, Any]:
        block = self.block
        return {
            "location": block.location,
            "qualname": block.qualname,
            "module": block.module,
            "file": block.file,
            "lineno": block.lineno,
            "verdict": self.verdict.verdict,
            "random": self.verdict.random,
            "message": self.message,
            "failed_part": self.verdict.failed_part,
            "parts": [
                {**part.to_dict(), "source": example.source, "lineno": file_line(block, example)}
                for part, example in zip(self.verdict.parts, block.examples, strict=False)
            ],
            "seconds": round(self.seconds, 4),
            "notes": self.notes,
        }


def file_line(block: ExampleBlock, example: Example) -> int | None:
    """The file line of one part: the block's first line plus the offset in the docstring."""
    if block.lineno is None or not block.examples:
        return None
    return block.lineno + example.lineno - block.examples[0].lineno


ResultCallback = Callable[[int, BlockResult], None]


class Pool:
    """Kernels draining one queue of blocks.

    The first kernel (already warm from collecting) starts alone; a spare one
    is started only when a block keeps its kernel busy for SPARE_AFTER seconds
    while others wait. Fast batches so never pay for a second torch import on
    a small machine; slow ones (timeouts, restarts, heavy examples) overlap.
    """

    def __init__(
        self,
        clients: list[WorkerClient],
        blocks: list[ExampleBlock],
        timeout: float,
        seeding: Seeding,
        on_result: ResultCallback | None,
    ) -> None:
        self.clients = clients
        self.blocks = blocks
        self.timeout = timeout
        self.seeding = seeding
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(blocks)):
            self.queue.put_nowait(index)
        self.results: list[BlockResult | None] = [None] * len(blocks)
        self.reporter = _InOrder(self.results, on_result)
        self.busy_since: dict[int, float] = {}  # kernel number -> when its block started

    async def run(self) -> list[BlockResult]:
        drains = [asyncio.create_task(self._drain(0))]
        spares = list(range(1, len(self.clients)))
        try:
            while None in self.results and not all(task.done() for task in drains):
                await asyncio.wait(drains, timeout=0.05, return_when=asyncio.FIRST_COMPLETED)
                for task in drains:
                    if task.done():
                        task.result()  # a bug in a drain surfaces instead of hanging
                if spares and not self.queue.empty() and self._stalled():
                    drains.append(asyncio.create_task(self._drain(spares.pop(0))))
        finally:
            # A spare may still be importing torch when the last block is done.
            for task in drains:
                task.cancel()
            await asyncio.gather(*drains, return_exceptions=True)
        return [result for result in self.results if result is not None]

    def _stalled(self) -> bool:
        now = time.perf_counter()
        return any(now - since >= SPARE_AFTER for since in self.busy_since.values())

    async def _drain(self, number: int) -> None:
        runner = BlockRunner(self.clients[number], self.timeout, self.seeding)
        if number > 0 and not self.queue.empty():
            # Warm up on the next block's module before taking a block off the queue.
            await runner.ensure_warm(self.blocks[len(self.blocks) - self.queue.qsize()].module)
        while not self.queue.empty():
            index = self.queue.get_nowait()
            self.busy_since[number] = time.perf_counter()
            try:
                self.results[index] = await runner.run(self.blocks[index])
            finally:
                self.busy_since.pop(number, None)
            self.reporter.advance()


class _InOrder:
    """Hands results to the callback in collection order as soon as each is known."""

    def __init__(self, results: list[BlockResult | None], callback: ResultCallback | None):
        self._results = results
        self._callback = callback
        self._next = 0

    def advance(self) -> None:
        while self._next < len(self._results) and self._results[self._next] is not None:
            result = self._results[self._next]
            if self._callback is not None and result is not None:
                self._callback(self._next, result)
            self._next += 1


class BlockRunner:
    """Runs example blocks on one kernel, importing each block's module once per
    kernel process, so no part's clock pays for an import."""

    def __init__(self, client: WorkerClient, timeout: float, seeding: Seeding) -> None:
        self.client = client
        self.timeout = timeout
        self.seeding = seeding
        self._warm_pid: int | None = None
        self._warm_modules: set[str] = set()

    async def run(self, block: ExampleBlock) -> BlockResult:
        running = 0.0  # time in its own runs: a kernel (re)start is not the example's
        checker = PartChecker(check.package_options(block.module), self.seeding.setup or "")
        parts: list[check.PartVerdict] = []
        notes: list[str] = []
        fresh = True
        for example in block.examples:
            reason = check.skip_reason(example)
            if reason is not None:
                parts.append(checker.skipped(reason))
                continue
            if fresh:
                await self.ensure_warm(block.module)
            started = time.perf_counter()
            output = await self._run_part(example.source, block.module, fresh, notes)
            running += time.perf_counter() - started
            fresh = False
            part = checker.check(example, output)
            parts.append(part)
            if part.verdict in check.FATAL:
                break  # the namespace is gone or broken: the later parts cannot mean much
        verdict = check.combine(parts)
        return BlockResult(block, verdict, running, notes)

    async def ensure_warm(self, module: str) -> None:
        """Import the block's module once per kernel process (a restart forgets it)."""
        await self.client.start()
        if self.client.pid != self._warm_pid:
            self._warm_pid = self.client.pid
            self._warm_modules = set()
        if module not in self._warm_modules:
            with contextlib.suppress(ProcError):
                await self.client.ask(WarmRequest(module), timeout=WARM_TIMEOUT)
            self._warm_modules.add(module)

    async def _run_part(self, source: str, module: str, fresh: bool, notes: list[str]) -> RunResult:
        request = self.seeding.request(source, module, fresh)
        result = await self.client.run(request, timeout=self.timeout)
        notes.extend(result.notes)
        return result
