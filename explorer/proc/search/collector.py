"""Import a package's modules in importer children and gather their index entries.

Each thread that gathers drives one `Slot`: an importer process, replaced by a fresh
one when it dies. `collect` builds one package: its root is imported once and
`jobs` workers are forked from there (see explorer.proc.search.importers), each
driven by a thread of this process. `Gathering.run` is the loop itself, for callers
that drive their own slots (`--index --all` keeps one slot per core across
packages: no interpreter start per package, and whatever one package imported
stays imported for the next). A module that raises on import is skipped with a
note; one that hangs past the per-module timeout, or kills its process, costs that
process and is skipped with a note.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.proc.search.importers import (
    Child,
    ChildFailed,
    ImportFailed,
    spawn,
    start_children,
)
from explorer.proc.search.wire import IndexEntriesRequest, IndexStored, StoreIndexRequest

Progress = Callable[[int, int, str], None]  # (modules done, total, module being finished)
DEFAULT_TIMEOUT = settings.INDEX_MODULE_TIMEOUT
JOBS = 2


def default_timeout() -> float:
    """EXPLORER_INDEX_TIMEOUT overrides the per-module timeout (tests use a short one)."""
    try:
        return float(os.environ.get("EXPLORER_INDEX_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def root_timeout(timeout: float) -> float:
    # Importing the root package (torch: seconds) is not any one submodule's fault.
    return max(timeout * 4, settings.COLD_IMPORT_ALLOWANCE)


class Slot:
    """The importer process one thread drives; a fresh one when it has died."""

    def __init__(self, child: Child | None = None) -> None:
        self.child = child

    def get(self) -> Child:
        if self.child is None or self.child.closed:
            self.child = spawn()[0]
        return self.child

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
            self.child = None

    def kill(self) -> None:
        if self.child is not None:
            self.child.kill()


class Gathering:
    """One package's modules handed out to slots in batches, and the entries and notes they
    give."""

    def __init__(
        self, modules: list[str], timeout: float | None = None, progress: Progress | None = None,
        keep_for: str = "",
    ) -> None:  # fmt: skip
        self.root = modules[0]
        self.keep_for = keep_for  # entries stay in the importer, stored there (`store`)
        # Kept entries mean one slot has the package to itself: large batches. Slots that
        # share a package take small ones, so they meet near the middle.
        self.batch = settings.INDEX_BATCH if keep_for else settings.INDEX_SHARED_BATCH
        self.kept: list[str] = []  # modules whose entries the current importer keeps
        self.counted: set[str] = set()
        self.pending = list(modules)
        self.total = len(modules)
        self.timeout = default_timeout() if timeout is None else timeout
        self.progress = progress
        self.entries: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.done = 0
        self.failure: UsageError | None = None  # the root would not import
        self.lock = threading.Lock()

    def stop(self) -> None:
        """No more modules (an abandoned build)."""
        with self.lock:
            self.pending.clear()

    def next_modules(self, from_end: bool) -> list[str]:
        """One slot walks the sorted modules from the front, the other from the back:
        each imports mostly its own subpackages' dependencies, until they meet. The root
        comes alone: when it will not import, nothing else is tried."""
        with self.lock:
            if from_end:
                taken = self.pending[: -self.batch - 1 : -1]
                del self.pending[len(self.pending) - len(taken) :]
                return taken
            size = 1 if self.pending[:1] == [self.root] else self.batch
            taken = self.pending[:size]
            del self.pending[:size]
            return taken

    def put_back(self, modules: list[str], from_end: bool) -> None:
        """Modules to do again (their importer died), where this slot takes them next."""
        with self.lock:
            if from_end:
                self.pending.extend(reversed(modules))
            else:
                self.pending[:0] = modules

    def finish(self, module: str, note: str | None = None) -> None:
        with self.lock:
            if note:
                self.notes.append(note)
            if module in self.counted:
                return  # done again after its importer died with its kept entries
            self.counted.add(module)
            self.done += 1
            done = self.done
        if self.progress is not None:
            self.progress(done, self.total, module)

    def run(self, slot: Slot, from_end: bool = False) -> None:
        """Serve modules on `slot` until none are left; a process that dies is replaced.
        A root that cannot be imported ends the package: UsageError."""
        while modules := self.next_modules(from_end):
            try:
                child = slot.get()
            except (ChildFailed, OSError) as exc:
                self.put_back(modules[1:], from_end)
                self.finish(modules[0], f"skipped {modules[0]}: no importer process ({exc})")
                return  # the other slot, if any, carries on; the caller notes the rest
            # The first module a process imports imports the package root too.
            watch = _Watch(modules, self.timeout, first=self.root not in child.roots)
            try:
                reply = child.call(IndexEntriesRequest(tuple(modules), self.keep_for),
                                   watch.allowed(), reached=watch.reached)  # fmt: skip
            except (ImportFailed, ChildFailed) as exc:
                self._lost(modules, watch.current, exc, child, from_end)
                continue
            failed = {failure.module: failure.why for failure in reply.failed}
            if self.root in failed:
                self._fail(failed[self.root])
            child.roots.add(self.root)
            if self.keep_for:
                self.kept.extend(module for module in modules if module not in failed)
            with self.lock:
                self.entries.extend(dict(entry) for entry in reply.entries)
            for module in modules:
                why = failed.get(module)
                self.finish(module, f"skipped {module}: {why}" if why else None)

    def _lost(
        self, modules: list[str], current: int, error: Exception, child: Child, from_end: bool
    ) -> None:
        """The importer died (or failed outside any one module) at modules[current]: that one
        is skipped with a note; what it had done or kept, and the rest, go back in the queue."""
        child.kill()  # whatever it kept or half-did is gone with it
        module = modules[current]
        again = [m for m in modules if m != module]
        if self.kept:
            again[:0], self.kept = [m for m in self.kept if m != module], []
        self.put_back(again, from_end)
        if module == self.root:
            self._fail(_reason(error))
        self.finish(module, f"skipped {module}: {_reason(error)}")

    def _fail(self, reason: str) -> None:
        self.stop()
        reason = reason.replace("importing it", f"importing {self.root}")
        self.failure = UsageError(f"cannot index {self.root}: {reason}")
        raise self.failure from None

    def store(self, slot: Slot, request: StoreIndexRequest) -> IndexStored | None:
        """Have the importer that kept the entries merge and store them; None (with a note)
        when it dies doing so."""
        if slot.child is None or slot.child.closed:
            self.notes.append(f"skipped {self.keep_for}: its importer process died")
            return None
        try:
            return slot.child.call(request, root_timeout(self.timeout))
        except (ImportFailed, ChildFailed) as exc:
            self.notes.append(f"skipped {self.keep_for}: storing its index failed ({exc})")
            return None

    def leftovers(self) -> None:
        """A note for each module no slot could take (every importer failed to start)."""
        for module in self.next_all():
            self.finish(module, f"skipped {module}: no importer process could start")

    def next_all(self) -> list[str]:
        with self.lock:
            taken, self.pending = self.pending, []
            return taken


class _Watch:
    """Which module of a batch the importer is on (from its progress records), and how
    long that one may take: each module gets its own timeout."""

    def __init__(self, modules: list[str], timeout: float, first: bool) -> None:
        self.modules = modules
        self.timeout = timeout
        self.first = first  # the first module imports the package root: it gets longer
        self.current = 0

    def allowed(self) -> float:
        return root_timeout(self.timeout) if self.first and self.current == 0 else self.timeout

    def reached(self, number: int, started: float) -> float:
        """The deadline of module `number`, which the importer started at `started`."""
        if self.current <= number < len(self.modules):
            self.current = number
        return started + self.allowed()


def _reason(error: Exception) -> str:
    if isinstance(error, ImportFailed):
        lines = error.message.strip().splitlines()
        return f"importing it raised {error.type_name}: {lines[0] if lines else ''}"
    return str(error)


def collect(
    modules: list[str], *, jobs: int = JOBS, timeout: float | None = None,
    progress: Progress | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:  # fmt: skip
    """Entries of every module of one package (unmerged) and a note per skipped module.

    UsageError when the package itself cannot be imported: there is nothing to index.
    """
    gathering = Gathering(modules, timeout, progress)
    try:
        workers, zygote = start_children(modules[0], max(jobs, 1),
                                         root_timeout(gathering.timeout))  # fmt: skip
    except ChildFailed as exc:
        raise UsageError(f"cannot index {modules[0]}: {exc}") from None
    slots = [Slot(worker) for worker in workers]
    failures: list[BaseException] = []

    def drive(slot: Slot, from_end: bool) -> None:
        try:
            gathering.run(slot, from_end)
        except UsageError as exc:
            failures.append(exc)

    def abandon() -> None:  # Ctrl+C: children live in their own sessions and would linger
        gathering.stop()
        for slot in slots:
            slot.kill()

    try:
        run_threads([partial(drive, slot, number % 2 == 1) for number, slot in enumerate(slots)],
                    on_interrupt=abandon)  # fmt: skip
    finally:
        for slot in slots:  # workers before the zygote they die with
            slot.close()
        if zygote is not None:
            zygote.close()
    if failures:
        raise failures[0]
    gathering.leftovers()
    return gathering.entries, gathering.notes


def run_threads(work: list[Callable[[], None]], on_interrupt: Callable[[], None]) -> None:
    """Each piece of `work` in a thread of its own, all joined; on Ctrl+C (or any exception
    while waiting) `on_interrupt` runs before it propagates."""
    threads = [threading.Thread(target=piece, daemon=True) for piece in work]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:
        on_interrupt()
        raise
