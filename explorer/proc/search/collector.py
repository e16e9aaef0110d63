"""Import a package's modules in importer children and gather their index entries.

The modules are shared out to `jobs` children (see explorer.proc.search.importers),
each driven by a thread of this process. A module that raises on import is
skipped with a note; one that hangs past the per-module timeout, or kills its
child, costs that child (a new one is started) and is skipped with a note.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.proc.messages import IndexEntriesRequest
from explorer.proc.search.importers import Child, ChildFailed, ImportFailed, start_children

Progress = Callable[[int, int, str], None]  # (modules done, total, module being finished)
DEFAULT_TIMEOUT = settings.INDEX_MODULE_TIMEOUT
JOBS = 2


def default_timeout() -> float:
    """EXPLORER_INDEX_TIMEOUT overrides the per-module timeout (tests use a short one)."""
    try:
        return float(os.environ.get("EXPLORER_INDEX_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


class _Collector:
    """Hands modules out to worker threads, one child each, and gathers entries and notes."""

    def __init__(self, modules: list[str], timeout: float, progress: Progress | None) -> None:
        self.root = modules[0]
        self.pending = list(modules)
        self.total = len(modules)
        self.timeout = timeout
        self.progress = progress
        self.entries: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.done = 0
        self.lock = threading.Lock()
        self.live: set[Child] = set()  # children to kill if the build is abandoned

    def stop(self) -> None:
        """Abandon the build (Ctrl+C): no more modules, every child killed, even mid-import."""
        with self.lock:
            self.pending.clear()
            children = list(self.live)
        for child in children:
            child.kill()

    def next_module(self, from_end: bool) -> str | None:
        """One child walks the sorted modules from the front, the other from the back:
        each imports mostly its own subpackages' dependencies, until they meet."""
        with self.lock:
            if not self.pending:
                return None
            return self.pending.pop() if from_end else self.pending.pop(0)

    def finish(self, module: str, entries: list[dict[str, Any]], note: str | None) -> None:
        with self.lock:
            self.entries.extend(entries)
            if note:
                self.notes.append(note)
            self.done += 1
            done = self.done
        if self.progress is not None:
            self.progress(done, self.total, module)

    def run_child(self, child: Child | None, from_end: bool) -> None:
        if child is not None:
            self._track(child)
        try:
            while (module := self.next_module(from_end)) is not None:
                if child is None:
                    try:
                        child = self._track(self._replacement())
                    except ChildFailed as exc:
                        self.finish(module, [], f"skipped {module}: no importer process ({exc})")
                        return  # the other thread, if any, carries on; `collect` notes the rest
                try:
                    reply = child.call(IndexEntriesRequest(module), self.timeout)
                except ImportFailed as exc:
                    self.finish(module, [], _error_note(module, exc))
                    continue
                except ChildFailed as exc:
                    self.live.discard(child)
                    child = None
                    self.finish(module, [], f"skipped {module}: {exc}")
                    continue
                self.finish(module, [dict(entry) for entry in reply.entries], None)
        finally:
            if child is not None:
                self.live.discard(child)
                child.close()

    def _track(self, child: Child) -> Child:
        with self.lock:
            self.live.add(child)
        return child

    def _replacement(self) -> Child:
        """A new child after one was killed (the root package imported again: slow, rare)."""
        return start_children(self.root, 1, _root_timeout(self.timeout))[0]


def _root_timeout(timeout: float) -> float:
    # Importing the root package (torch: seconds) is not any one submodule's fault.
    return max(timeout * 4, settings.COLD_IMPORT_ALLOWANCE)


def _error_note(module: str, error: ImportFailed) -> str:
    lines = error.message.strip().splitlines()
    first = lines[0] if lines else ""
    return f"skipped {module}: importing it raised {error.type_name}: {first}"


def collect(
    modules: list[str], *, jobs: int = JOBS, timeout: float | None = None,
    progress: Progress | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:  # fmt: skip
    """Entries of every module (unmerged) and a note per skipped module.

    UsageError when the package itself cannot be imported: there is nothing to index.
    """
    timeout = default_timeout() if timeout is None else timeout
    try:
        children = start_children(modules[0], max(jobs, 1), _root_timeout(timeout))
    except ChildFailed as exc:
        raise UsageError(f"cannot index {modules[0]}: {exc}") from None
    collector = _Collector(modules, timeout, progress)
    threads = [
        threading.Thread(target=collector.run_child, args=(child, number % 2 == 1), daemon=True)
        for number, child in enumerate(children)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        collector.stop()  # Ctrl+C: children live in their own sessions and would linger
        raise
    while (module := collector.next_module(False)) is not None:
        collector.finish(module, [], f"skipped {module}: no importer process could start")
    return collector.entries, collector.notes
