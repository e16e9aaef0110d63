"""Keep a package's search index fresh: open the stored one, or build it in importer children.

`ensure_index(package)` returns a fresh index, building it when it is missing,
stale or corrupt (see explorer.proc.search.collector for the children). Only a
real corruption (SQLite says the file is not a database, or is malformed)
discards a file. One lock per package (in the cache dir, or in the temp dir
when the cache dir is read-only) keeps a second builder waiting, with a note of
what it waits for and a bounded wait, after which it reuses the first one's
result; the store swaps files atomically, so readers of the old index keep
answering meanwhile.

`python -m explorer.proc.search.build PACKAGE` rebuilds in the background (the CLI
starts it when it answers from a stale index, only when the cache dir is writable).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from explorer import settings
from explorer.core.errors import UsageError
from explorer.core.search.names import IndexKey
from explorer.core.search.store import (
    IndexCorrupt,
    IndexOutdated,
    SearchIndex,
    discard,
    open_index,
    store_entries,
)
from explorer.core.search.walk import PackageFiles, package_files
from explorer.proc import launch
from explorer.proc.search.collector import JOBS, Progress, collect, default_timeout

__all__ = [
    "JOBS", "Job", "Outcome", "Progress", "collect", "default_timeout", "ensure_index",
    "start_build", "stored_index",
]  # fmt: skip
Waiting = Callable[[str], None]  # told once what a build waits for


@dataclass(slots=True)
class Outcome:
    index: SearchIndex
    built: bool  # False when the stored index was already fresh
    stale: bool = False  # answering from an out-of-date index while another one builds
    notes: list[str] = field(default_factory=list)


def writable(folder: Path) -> bool:
    """Whether files can be made in `folder` (tried: permission bits do not bind root)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
    except OSError:
        return False
    os.close(descriptor)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return True


def wait_limit() -> float:
    """How long a build waits for another process's build; EXPLORER_INDEX_WAIT overrides."""
    try:
        return float(os.environ.get("EXPLORER_INDEX_WAIT", settings.INDEX_BUILD_WAIT))
    except ValueError:
        return settings.INDEX_BUILD_WAIT


def lock_path(key: IndexKey) -> Path:
    """The package's build lock: in the cache dir, or in the temp dir when that is read-only."""
    path = key.lock_path
    if writable(path.parent):
        return path
    fallback = Path(tempfile.gettempdir()) / f"explorer-locks-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback / path.name


@contextlib.contextmanager
def build_lock(
    key: IndexKey, waiting: Waiting | None = None, wait: float | None = None
) -> Iterator[None]:
    """One builder per package at a time; a second one says what it waits for and gives up
    (UsageError) after `wait` seconds."""
    wait = wait_limit() if wait is None else wait
    handle = open(lock_path(key), "a")  # noqa: SIM115 - held for the build
    with handle:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and waiting is not None:
                    waiting(f"waiting for another explore process that is building the index "
                            f"of {key.package} (at most {wait:g} s)")  # fmt: skip
                    told = True
                if time.monotonic() > deadline:
                    raise UsageError(
                        f"gave up after {wait:g} s waiting for another process building the "
                        f"index of {key.package}; try again later"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_in_progress(package: str) -> bool:
    """True while some process holds the build lock of this package's index."""
    try:
        handle = open(lock_path(IndexKey.for_package(package)), "a")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _open_checked(key: IndexKey, notes: list[str]) -> SearchIndex | None:
    """The stored index, or None (with a note) when it is missing, outdated or corrupt."""
    try:
        return open_index(key)
    except IndexOutdated as exc:
        notes.append(f"{exc}: rebuilding the index")
    except IndexCorrupt as exc:
        notes.append(f"the index file {key.path} was unreadable ({exc}): rebuilt")
    problem = discard(key)
    if problem is not None:
        notes.append(f"{problem}: the new index is kept in memory")
    return None


@dataclass(slots=True)
class Job:
    """A build under way: the package's lock is held until `finish` or `release`."""

    key: IndexKey
    files: PackageFiles
    private: bool
    notes: list[str]
    held: contextlib.ExitStack

    @property
    def modules(self) -> list[str]:
        return list(self.files.modules)

    def finish(self, entries: list[dict[str, Any]], skipped: list[str]) -> Outcome:
        """Merge, store and release: the new index."""
        try:
            index = store_entries(self.key, self.files.fingerprint, entries, skipped,
                                  private=self.private)  # fmt: skip
        finally:
            self.release()
        return Outcome(index, built=True, notes=self.notes + index.notes[len(skipped) :])

    def release(self) -> None:
        self.held.close()


def start_build(
    package: str, *, rebuild: bool = False, private: bool | None = None,
    waiting: Waiting | None = None, notes: list[str] | None = None,
    walked: PackageFiles | None = None,
) -> Outcome | Job:  # fmt: skip
    """The stored index when it is fresh (an Outcome), else a Job holding the package's
    build lock (another process's build of it is waited for first). `walked`: the
    package's public files, when the caller has just walked them."""
    key = IndexKey.for_package(package)
    notes = [] if notes is None else notes
    current = _open_checked(key, notes)
    if private is None:
        private = current is not None and current.private
    files = (
        walked if walked is not None and not private else package_files(package, private=private)
    )
    if current is not None and not rebuild and current.fingerprint == files.fingerprint:
        return Outcome(current, built=False, notes=notes)
    if current is not None:
        current.close()
    held = contextlib.ExitStack()
    held.enter_context(build_lock(key, waiting))
    current = _open_checked(key, [])
    if current is not None and current.fingerprint == files.fingerprint and not rebuild:
        held.close()
        return Outcome(current, built=False, notes=notes)  # another builder just finished
    if current is not None:
        current.close()
    return Job(key, files, private, notes, held)


def ensure_index(
    package: str, *, rebuild: bool = False, private: bool | None = None, jobs: int = JOBS,
    timeout: float | None = None, progress: Progress | None = None,
    waiting: Waiting | None = None, notes: list[str] | None = None,
) -> Outcome:  # fmt: skip
    """A fresh index of `package`: the stored one if its fingerprint matches, else a new build
    in `jobs` importer processes.

    `private` (walk _private modules too) defaults to what the stored index did.
    """
    job = start_build(package, rebuild=rebuild, private=private, waiting=waiting, notes=notes)
    if isinstance(job, Outcome):
        return job
    try:
        entries, skipped = collect(job.modules, jobs=jobs, timeout=timeout, progress=progress)
    except BaseException:
        job.release()
        raise
    return job.finish(entries, skipped)


def stored_index(package: str, notes: list[str] | None = None) -> Outcome | None:
    """Whatever index is stored, fresh or stale, without building; None when there is none
    (a corrupt or outdated file is discarded, with a note in `notes`)."""
    key = IndexKey.for_package(package)
    notes = [] if notes is None else notes
    current = _open_checked(key, notes)
    if current is None:
        return None
    files = package_files(package, private=current.private)
    stale = current.fingerprint != files.fingerprint
    return Outcome(current, built=False, stale=stale, notes=notes)


def cache_writable(package: str) -> bool:
    return writable(IndexKey.for_package(package).path.parent)


def rebuild_in_background(
    package: str, log: TextIO | None = None
) -> subprocess.Popen[bytes] | None:
    """A detached builder process; None when one is already at work or could not store
    its result (a read-only cache dir). It holds the lock while it works and replaces the
    index file only when the new one is complete.

    It starts by explorer.proc.launch's rules (`python -I`, a safe sys.path, its own
    temporary working directory, which it removes when done) but outlives this process
    on purpose: no parent-death signal, not in the live-children registry. It imports
    nothing itself; its importer children are confined to it.
    """
    if not cache_writable(package) or build_in_progress(package):
        return None
    env = launch.child_env(None)
    env.pop(launch.PARENT_ENV, None)  # detached: it does not die with this process
    workdir = launch.make_workdir()
    return subprocess.Popen(
        launch.child_command("explorer.proc.search.build", package, "--workdir", workdir),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log or subprocess.DEVNULL,
        env=env, start_new_session=True, cwd=workdir,
    )  # fmt: skip


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Cyclic GC off while a build decodes and keeps tens of thousands of fresh dicts (its
    passes would be pure cost, ~10-20% of a torch build). For processes that only build
    (the CLI, the detached builder), never for the TUI's: GC is process-wide."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def main(argv: list[str]) -> int:
    workdir = None
    if len(argv) == 3 and argv[1] == "--workdir":
        argv, workdir = argv[:1], argv[2]
    if len(argv) != 1:
        print("usage: python -m explorer.proc.search.build PACKAGE", file=sys.stderr)
        return 2
    try:
        with collector_paused():
            outcome = ensure_index(argv[0])  # walks _private modules if the stored index did
    except UsageError as exc:
        print(f"explore: {exc}", file=sys.stderr)
        return 2
    finally:
        if workdir is not None and Path(workdir).name.startswith("explorer-run-"):
            os.chdir(tempfile.gettempdir())
            launch.remove_workdir(workdir)
    outcome.index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
