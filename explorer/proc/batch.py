"""Run every docstring example under a target in kernels, one verdict per example.

The target is never imported here: a kernel collects the example blocks
(explorer.core.example_walk) and writes them to a temporary file; then a
small pool of kernels (a second one only when blocks are slow) takes blocks
from a queue. Each block starts in a fresh
namespace seeded like doctest (its module's globals plus `import torch`) and
runs part by part, one "run" request each, so every want is checked against
its own part. A timeout or crash ends only that block: the client restarts
the kernel and the pool carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer import settings
from explorer.core import check
from explorer.core.check import ExampleVerdict, PartChecker
from explorer.core.errors import UsageError
from explorer.core.example_walk import ExampleBlock
from explorer.core.model import Example, RunResult
from explorer.core.resolve import validate
from explorer.proc.client import ProcError, WorkerClient
from explorer.proc.messages import RunRequest, WarmRequest

COLLECT_TIMEOUT = settings.COLD_IMPORT_ALLOWANCE  # importing and walking a big package
WARM_TIMEOUT = settings.COLD_IMPORT_ALLOWANCE
DEFAULT_KERNELS = 2
SPARE_AFTER = 1.0  # seconds one block may hold a kernel before a spare kernel starts
SEED_IMPORTS = settings.SEED_IMPORTS  # like xdoctest --global-exec


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
            line = _file_line(self.block, self.block.examples[index])
            where = f"line {line}: " if line is not None and line != self.block.lineno else ""
            return where + failure.message
        if self.verdict.verdict == check.SKIPPED and self.verdict.parts:
            return self.verdict.parts[0].message
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
            "message": self.message,
            "failed_part": self.verdict.failed_part,
            "parts": [
                {**part.to_dict(), "source": example.source, "lineno": _file_line(block, example)}
                for part, example in zip(self.verdict.parts, block.examples, strict=False)
            ],
            "seconds": round(self.seconds, 4),
            "notes": self.notes,
        }


def _file_line(block: ExampleBlock, example: Example) -> int | None:
    """The file line of one part: the block's first line plus the offset in the docstring."""
    if block.lineno is None or not block.examples:
        return None
    return block.lineno + example.lineno - block.examples[0].lineno


@dataclass(slots=True)
class BatchReport:
    target: str
    results: list[BlockResult]
    seconds: float
    kernels: int
    unsearched: list[str] = field(default_factory=list)  # submodules nothing imported

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(check.VERDICTS, 0)
        for result in self.results:
            counts[result.verdict.verdict] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "examples": [r.to_dict() for r in self.results],
            "summary": {**self.counts(), "total": len(self.results)},
            "seconds": round(self.seconds, 3),
            "kernels": self.kernels,
            "unsearched": self.unsearched,
        }


ResultCallback = Callable[[int, BlockResult], None]


async def run_examples(
    target: str,
    *,
    timeout: float = settings.RUN_EXAMPLES_TIMEOUT,
    kernels: int = DEFAULT_KERNELS,
    on_result: ResultCallback | None = None,
) -> BatchReport:
    """Collect and run every example block of `target`; results in collection order."""
    validate(target)
    started = time.perf_counter()
    clients = [WorkerClient("kernel", timeout=timeout) for _ in range(max(1, kernels))]
    try:
        blocks, unsearched = await collect(clients[0], target)
        results = await _Pool(clients, blocks, timeout, on_result).run()
    finally:
        await asyncio.gather(*(_discard(client) for client in clients))
    return BatchReport(target, results, time.perf_counter() - started, len(clients), unsearched)


async def _discard(client: WorkerClient) -> None:
    """Stop a kernel at once: it holds nothing worth torch's half-second teardown."""
    with contextlib.suppress(Exception):
        await client.close(grace=0)


async def collect(kernel: WorkerClient, target: str) -> tuple[list[ExampleBlock], list[str]]:
    """The example blocks of `target`, found by a kernel (which imports it, not us),
    and the submodules that were not searched because nothing imported them."""
    handle, path = tempfile.mkstemp(prefix="explorer-examples-", suffix=".json")
    os.close(handle)
    code = (
        "import json as _json\n"
        "from explorer.core.example_walk import collect_block_dicts as _collect\n"
        f"with open({path!r}, 'w', encoding='utf-8') as _file:\n"
        f"    _json.dump(_collect({target!r}), _file)\n"
    )
    try:
        reply = await kernel.run(RunRequest(code, fresh=True), timeout=COLLECT_TIMEOUT)
        if not reply.ok:
            raise UsageError(_collect_failure(target, reply))
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    blocks = [ExampleBlock.from_dict(item) for item in data["blocks"]]
    return blocks, list(data.get("unsearched", []))


def _collect_failure(target: str, reply: RunResult) -> str:
    exception = reply.exception.strip()
    if exception.startswith(("TargetError: ", "UsageError: ")):
        return exception.split(": ", 1)[1].splitlines()[0]
    why = exception.splitlines()[-1] if exception else reply.message
    why = why.removesuffix(" — restarted")  # nothing more runs on it: no restart to speak of
    return f"could not collect the examples of {target}: {why or reply.status}"


async def _warm(kernel: WorkerClient, modules: tuple[str, ...]) -> None:
    """Import `modules` in the kernel ahead of the runs, so no run pays for it."""
    for module in modules:
        with contextlib.suppress(ProcError):
            await kernel.ask(WarmRequest(module), timeout=WARM_TIMEOUT)


class _Pool:
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
        on_result: ResultCallback | None,
    ) -> None:
        self.clients = clients
        self.blocks = blocks
        self.timeout = timeout
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
        runner = BlockRunner(self.clients[number], self.timeout)
        if number > 0:
            await runner.ensure_warm(None)  # warm up before taking a block off the queue
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
    """Runs example blocks on one kernel, re-warming it whenever it was replaced.

    Public for the TUI's Run button too: `await BlockRunner(client, timeout).run(block)`.
    """

    def __init__(self, client: WorkerClient, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        self._warm_pid: int | None = None
        self._warm_modules: set[str] = set()

    async def run(self, block: ExampleBlock) -> BlockResult:
        running = 0.0  # time in its own runs: a kernel (re)start is not the example's
        checker = PartChecker()
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

    async def ensure_warm(self, module: str | None) -> None:
        """Import torch (and the block's module) once per kernel process."""
        await self.client.start()
        if self.client.pid != self._warm_pid:
            await _warm(self.client, SEED_IMPORTS)
            self._warm_pid = self.client.pid
            self._warm_modules = set()
        if module is not None and module not in self._warm_modules:
            await _warm(self.client, (module,))
            self._warm_modules.add(module)

    async def _run_part(self, source: str, module: str, fresh: bool, notes: list[str]) -> RunResult:
        request = RunRequest(source, seed_module=module, fresh=fresh)
        result = await self.client.run(request, timeout=self.timeout)
        notes.extend(result.notes)
        return result
