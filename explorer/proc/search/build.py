"""Build a package's search index by importing its modules in child processes.

`ensure_index(package)` returns a fresh index, building it when it is missing,
stale or corrupt. The modules are shared out to `jobs` children (two: both
cores; see explorer.proc.search.importers), speaking the JSON-lines protocol. A
module that raises on import is skipped with a note; one that hangs past the
per-module timeout, or kills its child, costs that child (a new one is started)
and is skipped with a note. A lock file makes a second builder wait and then
reuse the first one's result; the store swaps files atomically, so readers of
the old index keep answering meanwhile.

`python -m explorer.proc.search.build PACKAGE` rebuilds in the background (the CLI
starts it when it answers from a stale index).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.search.merge import merge_entries
from explorer.core.search.store import (
    IndexCorrupt,
    IndexKey,
    IndexOutdated,
    SearchIndex,
    discard,
    open_index,
    store_index,
)
from explorer.core.search.walk import package_files
from explorer.proc.messages import IndexEntriesRequest
from explorer.proc.search.importers import Child, ChildFailed, ImportFailed, start_children

Progress = Callable[[int, int, str], None]  # (modules done, total, module being finished)
DEFAULT_TIMEOUT = settings.INDEX_MODULE_TIMEOUT


def default_timeout() -> float:
    """EXPLORER_INDEX_TIMEOUT overrides the per-module timeout (tests use a short one)."""
    try:
        return float(os.environ.get("EXPLORER_INDEX_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


JOBS = 2


@dataclass(slots=True)
class Outcome:
    index: SearchIndex
    built: bool  # False when the stored index was already fresh
    stale: bool = False  # answering from an out-of-date index (see `ensure_index(wait=False)`)
    notes: list[str] = field(default_factory=list)


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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Tens of thousands of fresh dicts are all kept: cyclic GC passes would be pure cost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _build_lock(key: IndexKey) -> Iterator[None]:
    """One builder per index file at a time; without a writable cache dir, no lock is needed."""
    try:
        key.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(key.path.with_suffix(".lock"), "a")  # noqa: SIM115 - held for the build
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_checked(key: IndexKey, notes: list[str]) -> SearchIndex | None:
    try:
        return open_index(key)
    except IndexOutdated as exc:
        discard(key)
        notes.append(f"{exc}: rebuilding the index")
        return None
    except IndexCorrupt as exc:
        discard(key)
        notes.append(f"the index file {key.path} was unreadable ({exc}): discarded, rebuilding")
        return None


def ensure_index(
    package: str, *, rebuild: bool = False, private: bool | None = None, jobs: int = JOBS,
    timeout: float | None = None, progress: Progress | None = None,
) -> Outcome:  # fmt: skip
    """A fresh index of `package`: the stored one if its fingerprint matches, else a new build.

    `private` (walk _private modules too) defaults to what the stored index did.
    """
    key = IndexKey.for_package(package)
    notes: list[str] = []
    current = _open_checked(key, notes)
    if private is None:
        private = current is not None and current.private
    files = package_files(package, private=private)
    if current is not None and not rebuild and current.fingerprint == files.fingerprint:
        return Outcome(current, built=False, notes=notes)
    with _build_lock(key):
        if current is not None:
            current.close()
        current = _open_checked(key, notes)
        if current is not None and current.fingerprint == files.fingerprint and not rebuild:
            return Outcome(current, built=False, notes=notes)  # another builder just finished
        if current is not None:
            current.close()
        with _collector_paused():
            entries, skipped = collect(list(files.modules), jobs=jobs, timeout=timeout,
                                       progress=progress)  # fmt: skip
            index = store_index(key, files.fingerprint, merge_entries(entries), skipped,
                                private=private)  # fmt: skip
    return Outcome(index, built=True, notes=notes + index.notes[len(skipped) :])


def stored_index(package: str) -> Outcome | None:
    """Whatever index is stored, fresh or stale, without building; None when there is none."""
    key = IndexKey.for_package(package)
    notes: list[str] = []
    current = _open_checked(key, notes)
    if current is None:
        return None
    files = package_files(package, private=current.private)
    stale = current.fingerprint != files.fingerprint
    return Outcome(current, built=False, stale=stale, notes=notes)


def build_in_progress(package: str) -> bool:
    """True while some process holds the build lock of this package's index."""
    try:
        handle = open(IndexKey.for_package(package).path.with_suffix(".lock"), "a")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def rebuild_in_background(package: str) -> subprocess.Popen[bytes] | None:
    """A detached builder process (None when one is already at work).

    It outlives this one and holds the lock while it works; it replaces the index
    file only when the new one is complete.
    """
    if build_in_progress(package):
        return None
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.Popen(
        [sys.executable, "-m", "explorer.proc.search.build", package],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env, start_new_session=True,
    )  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m explorer.proc.search.build PACKAGE", file=sys.stderr)
        return 2
    outcome = ensure_index(argv[0])  # walks _private modules if the stored index did
    outcome.index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
